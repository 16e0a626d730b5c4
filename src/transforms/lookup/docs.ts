/** The body of `connectors lookup` and the README section (kept apart: index.ts stays short). */
export const LOOKUP_DOCS = `Joins each row to a second source by key and adds that source's columns: a left join (or an
inner join with \`on_missing: drop\`) against a table held in memory.

- \`from\` (required): the lookup table, written exactly like \`extract:\`: a csv/ndjson/json/
  parquet/xml file (relative paths resolve against the pipeline file), or a postgres/sqlite/
  mysql/oracle table or query with \`connection:\`. It is read whole, once per run, when the first
  batch arrives; rows it rejects go to the dead letter under this step's label. \`incremental\`
  and \`streams\` do not apply to it.
- \`on\` (required): \`{ row_column: lookup_column }\`, or \`[id]\` when both sides use the same
  names. Several columns make a composite key.
- \`fields\`: the lookup columns to add, as a list or as \`{ new_name: lookup_column }\` to rename
  them. Default: every lookup column that is not part of the key. An added column whose name the
  row already has stops the run (nothing is overwritten silently): rename it with the map form.
  The added columns keep the lookup source's types.
- \`on_missing\` (keep): a row whose key has no lookup row: \`keep\` it with the added columns null,
  \`reject\` it to the dead letter (reason \`no customers.csv row for customer_id=42\`), \`drop\` it
  (counted in an info event) or \`fail\` the run (exit 3).
- \`on_duplicate\` (fail): two lookup rows with the same key: \`fail\` names the key and both
  rows' positions; \`first\` or \`last\` keeps one of them.
- \`max_rows\` (1000000): the run stops with a clear error when the lookup source has more rows.

**Keys** are compared by their text, so integer \`42\`, a big integer \`42\`, the decimal \`'42'\`
and the string \`'42'\` match (a csv column against a database id works without a cast). The
text is exact: the decimal \`'42.0'\` does not match \`42\`, nor \`' 42'\` — cast or trim first. A
null in any key column never matches: such a row counts as missing, and a lookup row with a
null key is skipped.

**Memory:** stateful. The whole lookup table (the added columns of every row, plus the key
text) is held in memory for the run; the streamed input is not. Keep lookups to reference data
(customers, products, currencies); filter a big table with \`query:\` to the columns and rows
you need, or join in the database.`;
