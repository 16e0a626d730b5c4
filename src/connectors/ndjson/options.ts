import { Type, type Static } from '@sinclair/typebox';
import { columnsOption, modeOption, pathOption } from '../shared-schema.js';

const compression = (description: string) =>
  Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('gzip'), Type.Literal('none')], { default: 'auto', description }));

export const ndjsonSourceOptions = Type.Object(
  {
    path: pathOption('File to read (one JSON object per line), relative to the pipeline file; `-` reads stdin. Templates: {pipeline}, {date}, {run_id}.'),
    compression: compression('auto: gzip when the name ends in .gz or the file starts with the gzip magic bytes.'),
    columns: columnsOption,
  },
  { additionalProperties: false },
);
export type NdjsonSourceOptions = Static<typeof ndjsonSourceOptions>;

export const ndjsonSinkOptions = Type.Object(
  {
    path: pathOption('File to write, relative to the pipeline file; `-` writes stdout. Templates: {pipeline}, {date}, {run_id}.'),
    mode: modeOption(['overwrite', 'append'], 'overwrite'),
    compression: compression('auto: gzip when the path ends in .gz.'),
  },
  { additionalProperties: false },
);
export type NdjsonSinkOptions = Static<typeof ndjsonSinkOptions>;
