import { Type, type Static, type TString } from '@sinclair/typebox';
import { columnsOption, modeOption, pathOption } from '../shared-schema.js';

const XML_NAME = '^[A-Za-z_][A-Za-z0-9_.-]*$';

export const xmlSourceOptions = Type.Object(
  {
    path: pathOption('XML file to read (relative to the pipeline file); `-` reads stdin; `.gz` is gunzipped.') as TString,
    record_element: Type.String({
      minLength: 1,
      pattern: '^/?[^/\\s]+(/[^/\\s]+)*$',
      description:
        'Element that is one record: `order` (any depth), `orders/order` (an order inside orders), or `/orders/order` (anchored at the root).',
    }),
    compression: Type.Optional(
      Type.Union([Type.Literal('auto'), Type.Literal('gzip'), Type.Literal('none')], {
        default: 'auto',
        description: 'auto: gunzip when the path ends in .gz or the file starts with the gzip magic.',
      }),
    ),
    encoding: Type.Optional(
      Type.String({ minLength: 1, description: 'Text encoding; default: from the BOM or the XML declaration, else UTF-8.' }),
    ),
    columns: columnsOption,
    infer: Type.Optional(
      Type.Boolean({ default: true, description: 'Infer column types from the text values (false: every value is a string).' }),
    ),
    attribute_prefix: Type.Optional(
      Type.String({ default: '', description: 'Prefix for columns made from the record element\'s attributes (default none: `id`).' }),
    ),
  },
  { additionalProperties: false },
);
export type XmlSourceOptions = Static<typeof xmlSourceOptions>;

export const xmlSinkOptions = Type.Object(
  {
    path: pathOption('XML file to write (relative to the pipeline file); `{pipeline}`, `{date}`, `{run_id}` are replaced; `-` is stdout.') as TString,
    mode: modeOption(['overwrite'], 'overwrite'),
    root_element: Type.Optional(
      Type.String({ default: 'records', pattern: XML_NAME, description: 'Name of the document element.' }),
    ),
    record_element: Type.Optional(
      Type.String({ default: 'record', pattern: XML_NAME, description: 'Name of the element written for each row.' }),
    ),
    nulls: Type.Optional(
      Type.Union([Type.Literal('nil'), Type.Literal('omit')], {
        default: 'nil',
        description: 'nil: a null is `<col xsi:nil="true"/>`; omit: the element is left out.',
      }),
    ),
    invalid_chars: Type.Optional(
      Type.Union([Type.Literal('reject'), Type.Literal('remove')], {
        default: 'reject',
        description: 'A value with a character XML 1.0 forbids (U+0000, most C0 controls): reject the row, or remove the characters.',
      }),
    ),
    compression: Type.Optional(
      Type.Union([Type.Literal('auto'), Type.Literal('gzip'), Type.Literal('none')], {
        default: 'auto',
        description: 'auto: gzip when the path ends in .gz.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type XmlSinkOptions = Static<typeof xmlSinkOptions>;
