/** A complete pipeline document around one transform step, for definition examples. */
export function exampleYaml(name: string, step: string, extract = '{ type: csv, path: data/input.csv }'): string {
  return `version: 1
name: ${name}
extract: ${extract}
transform:
${step.trimEnd()}
load: { type: csv, path: out/output.csv }
`;
}
