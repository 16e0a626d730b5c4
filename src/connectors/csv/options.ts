import { Type, type Static } from '@sinclair/typebox';
import { columnsOption, modeOption, pathOption } from '../shared-schema.js';

/** 64 MiB: a longer record is skipped and rejected rather than held in memory. */
export const DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024;

const char = (description: string, def: string) =>
  Type.Optional(Type.String({ minLength: 1, maxLength: 1, default: def, description }));

export const csvSourceOptions = Type.Object(
  {
    path: pathOption('File to read, relative to the pipeline file; `-` reads stdin. Templates: {pipeline}, {date}, {run_id}.'),
    header: Type.Optional(Type.Boolean({ default: true, description: 'The first record holds the column names. false → column_1, column_2, …' })),
    delimiter: Type.Optional(Type.String({ minLength: 1, default: ',', description: 'Field separator ("\\t" for TSV, ";" …).' })),
    quote: char('Quote character.', '"'),
    escape: Type.Optional(
      Type.String({ minLength: 1, maxLength: 1, description: 'Escape character for a quote inside a quoted field; default: the quote itself (RFC 4180 doubling).' }),
    ),
    encoding: Type.Optional(Type.String({ minLength: 1, default: 'utf8', description: 'Text encoding: utf8, utf16le, latin1, windows-1252, shift_jis … A BOM is removed.' })),
    compression: Type.Optional(
      Type.Union([Type.Literal('auto'), Type.Literal('gzip'), Type.Literal('none')], {
        default: 'auto',
        description: 'auto: gzip when the name ends in .gz or the file starts with the gzip magic bytes.',
      }),
    ),
    columns: columnsOption,
    infer: Type.Optional(Type.Boolean({ default: true, description: 'Infer column types from the first 1000 rows; false keeps every column a string.' })),
    null_values: Type.Optional(Type.Array(Type.String(), { default: [''], description: 'Field values read as null.' })),
    skip_lines: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: 'Physical lines to skip before the header (preambles, titles).' })),
    max_record_bytes: Type.Optional(
      Type.Integer({
        minimum: 1024,
        default: DEFAULT_MAX_RECORD_BYTES,
        description:
          'Longest record read (its text, quoted line breaks included; counted in characters, = bytes for ASCII). A longer record is not kept: it goes to the dead letter (first 1 KiB) and reading goes on after it. Default 64 MiB.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type CsvSourceOptions = Static<typeof csvSourceOptions>;

export const csvSinkOptions = Type.Object(
  {
    path: pathOption('File to write, relative to the pipeline file; `-` writes stdout. Templates: {pipeline}, {date}, {run_id}.'),
    mode: modeOption(['overwrite', 'append'], 'overwrite'),
    header: Type.Optional(Type.Boolean({ default: true, description: 'Write a header line (append: only when the file is new or empty).' })),
    delimiter: Type.Optional(Type.String({ minLength: 1, default: ',', description: 'Field separator.' })),
    quote: char('Quote character.', '"'),
    line_ending: Type.Optional(Type.Union([Type.Literal('\n'), Type.Literal('\r\n')], { default: '\n', description: 'Line ending: "\\n" or "\\r\\n".' })),
    bom: Type.Optional(Type.Boolean({ default: false, description: 'Start the file with a UTF-8 byte order mark (for Excel).' })),
    compression: Type.Optional(
      Type.Union([Type.Literal('auto'), Type.Literal('gzip'), Type.Literal('none')], {
        default: 'auto',
        description: 'auto: gzip when the path ends in .gz.',
      }),
    ),
    null_value: Type.Optional(Type.String({ default: '', description: 'Text written for null.' })),
  },
  { additionalProperties: false },
);
export type CsvSinkOptions = Static<typeof csvSinkOptions>;

/** `\t` written literally (YAML single quotes, a shell) means a tab. */
export function unescapeDelimiter(d: string): string {
  return d === '\\t' ? '\t' : d;
}
