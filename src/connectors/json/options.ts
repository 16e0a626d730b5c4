import { Type, type Static } from '@sinclair/typebox';
import { columnsOption, modeOption, pathOption } from '../shared-schema.js';

const compression = (description: string) =>
  Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('gzip'), Type.Literal('none')], { default: 'auto', description }));

export const jsonSourceOptions = Type.Object(
  {
    path: pathOption('JSON file to read, relative to the pipeline file; `-` reads stdin. Templates: {pipeline}, {date}, {run_id}.'),
    records_path: Type.Optional(
      Type.String({ default: '', description: 'Dotted path to the array of records (e.g. data.items); empty: the top-level array.' }),
    ),
    compression: compression('auto: gzip when the name ends in .gz or the file starts with the gzip magic bytes.'),
    columns: columnsOption,
  },
  { additionalProperties: false },
);
export type JsonSourceOptions = Static<typeof jsonSourceOptions>;

export const jsonSinkOptions = Type.Object(
  {
    path: pathOption('File to write (one JSON array), relative to the pipeline file; `-` writes stdout. Templates: {pipeline}, {date}, {run_id}.'),
    mode: modeOption(['overwrite', 'append'], 'overwrite'),
    compression: compression('auto: gzip when the path ends in .gz (append needs an uncompressed file).'),
  },
  { additionalProperties: false },
);
export type JsonSinkOptions = Static<typeof jsonSinkOptions>;
