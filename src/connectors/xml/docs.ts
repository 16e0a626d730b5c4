/** Markdown for `etl-cli connectors xml` and the README. */
export const xmlDocs = `
Reads XML as a stream of records (saxes, constant memory: a 300 MB file reads in about 80 MB)
and writes well-formed UTF-8 XML.

## Source

\`record_element\` names the element that is one record:

| value | matches |
| --- | --- |
| \`order\` | every \`<order>\` at any depth (an \`<order>\` inside a record is just a child) |
| \`orders/order\` | an \`<order>\` whose parent is \`<orders>\`, at any depth |
| \`/orders/order\` | anchored: \`<orders>\` must be the document element |

Names are matched as written, with their namespace prefix (\`ns:order\`).

### Flattening rule

For each record element:

| XML | column | value |
| --- | --- | --- |
| \`<order id="7">\` (attribute of the record element) | \`id\` (\`attribute_prefix\` + name) | \`"7"\` |
| \`<customer>Ann</customer>\` (child element) | \`customer\` | \`"Ann"\` |
| \`<customer><name>Ann</name></customer>\` (nested) | \`customer.name\` | \`"Ann"\` |
| \`<customer id="c1">\` (attribute of a child) | \`customer.@id\` | \`"c1"\` |
| \`<price cur="EUR">9.50</price>\` (text and attributes) | \`price\`, \`price.@cur\` | \`"9.50"\`, \`"EUR"\` |
| \`<item>a</item><item>b</item>\` (repeated child) | \`item\` | json \`["a","b"]\` |
| \`<item><sku>A</sku></item>\` ×2 | \`item\` | json \`[{"sku":"A"},…]\` (attributes as \`"@name"\`, mixed text as \`"#text"\`) |
| \`<note xsi:nil="true"/>\` | \`note\` | null |
| \`<note/>\` | \`note\` | \`""\` (null in a non-string column) |
| text directly inside the record element | \`#text\` | the text |

- An element is a json array column when it occurs more than once inside one record, or when
  \`columns:\` declares it \`json\`. From the record where it first repeats on, it is an array in
  every record (even with one occurrence); columns made from it earlier stay in the schema.
- Text is never trimmed. Entities (\`&amp;\` …) and character references are decoded, CDATA is
  kept as text. Whitespace-only text between child elements is formatting and is ignored.
- \`xmlns\` / \`xmlns:*\` declarations and \`xsi:nil\` are not columns.
- Types: with \`infer: true\` (default) each column's type is inferred from its text in the batch
  where it first appears (\`00123\` stays the string \`00123\`; \`1.50\` is a number; dates and ISO
  timestamps are recognised); \`columns:\` overrides it; \`infer: false\` makes every column a
  string. A later value that does not fit its column's type is rejected with its line.
- Every row's position is the file and the line of its start tag.
- Encoding: from the BOM or the XML declaration (\`encoding="ISO-8859-1"\`), else UTF-8;
  \`encoding:\` overrides it.

### Security and errors

- No DTD is read and nothing is fetched: a \`<!DOCTYPE … SYSTEM "file:///etc/passwd">\` or a remote
  DTD is ignored. Entities other than \`&amp; &lt; &gt; &quot; &apos;\` and \`&#…;\` are never expanded
  (no XXE, no "billion laughs"): a reference to one stops the run with \`E_XML_ENTITY\` at
  \`file:line:col\`.
- XML that is not well-formed (mismatched or unclosed tags, a bare \`&\`) is fatal for the whole
  document: \`E_XML_PARSE\` with \`file:line:col\`. Records before the error have already been sent
  on, but file sinks only publish on success.

## Sink

Writes \`<?xml version="1.0" encoding="UTF-8"?>\`, one \`root_element\` (default \`records\`), one
\`record_element\` (default \`record\`) per row and one child element per column, to a temp file that
is renamed onto \`path\` at the end (a failed run leaves no file).

- Element names: characters not allowed in an XML name (and \`:\`) become \`_\`; a name that does
  not start with a letter or \`_\`, or that starts with \`xml\`, gets a leading \`_\` (\`2nd\` → \`_2nd\`,
  \`unit price\` → \`unit_price\`); a clash gets \`_2\`, \`_3\`. Dots are kept, so \`customer.name\` reads
  back as the same column.
- Text: \`& < > " '\` are escaped, and CR as \`&#xD;\` so it survives a re-read. Numbers, big
  integers, decimals, booleans, dates and timestamps are written as their canonical text, json
  as JSON text, binary as base64.
- Nulls (\`nulls\`): \`nil\` (default) writes \`<col xsi:nil="true"/>\` and declares \`xmlns:xsi\` on
  the root; \`omit\` leaves the element out.
- Characters XML 1.0 does not allow at all (U+0000–U+0008, U+000B, U+000C, U+000E–U+001F,
  U+FFFE, U+FFFF, lone surrogates): \`invalid_chars: reject\` (default) sends the row to the
  dead letters with the character named; \`remove\` drops those characters.
- \`compression: auto\` gzips when the path ends in \`.gz\`.
`;
