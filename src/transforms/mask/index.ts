import { Type, type Static } from '@sinclair/typebox';
import { defineTransform } from '../define.js';
import { exampleYaml } from '../shared/examples.js';

const maskRule = Type.Object(
  {
    method: Type.Union([Type.Literal('sha256'), Type.Literal('redact'), Type.Literal('keep_last'), Type.Literal('null')], {
      description: 'sha256: salted hash (hex) | redact: replace with `replacement` | keep_last: keep the last N characters | null: set null.',
    }),
    keep_last: Type.Optional(Type.Integer({ minimum: 0, maximum: 64, default: 4, description: 'Characters kept by method keep_last.' })),
    replacement: Type.Optional(Type.String({ default: '***', description: 'Text used by redact, and to hide the start for keep_last.' })),
  },
  { additionalProperties: false },
);

export const maskOptions = Type.Object(
  {
    columns: Type.Record(Type.String({ minLength: 1 }), maskRule, { minProperties: 1, description: 'How to mask each column: { column: { method: … } }.' }),
    salt: Type.Optional(Type.String({ description: 'Secret prepended before hashing (method sha256); use ${env:…} or ${file:…}.' })),
  },
  { additionalProperties: false },
);
export type MaskOptions = Static<typeof maskOptions>;

export const mask = defineTransform({
  name: 'mask',
  summary: 'Hash, redact or truncate sensitive columns',
  status: 'stable',
  stateful: false,
  options: maskOptions,
  docs: `Masks personal or secret data before it is written.

- \`columns\` (required): \`{ column: { method } }\` with method
  - \`sha256\`: hex SHA-256 of \`salt + value\` (same input → same output, so joins still work);
  - \`redact\`: the value becomes \`replacement\` (\`***\`);
  - \`keep_last\`: keeps the last \`keep_last\` (4) characters, the rest becomes \`replacement\`
    (\`4111111111111111\` → \`***1111\`);
  - \`null\`: the value becomes null.
- \`salt\`: for sha256. Without a salt, hashes of guessable values (emails, phone numbers) can be
  reversed by brute force: take it from \`\${env:MASK_SALT}\` or \`\${file:…}\`, so it is treated as a
  secret (never printed in logs, errors, dry-run or reports).

Masked columns become strings (method null keeps the column type). Nulls stay null.`,
  examples: [{
    title: 'Hash emails, keep the last 4 card digits',
    yaml: exampleYaml('mask_pii', `  - type: mask
    salt: \${env:MASK_SALT}
    columns:
      email: { method: sha256 }
      card_number: { method: keep_last, keep_last: 4 }
      notes: { method: redact }`),
  }],
  lint: (input, ctx) => {
    const columns = input.options['columns'];
    const usesHash = columns !== null && typeof columns === 'object' && Object.values(columns).some((c) => (c as { method?: unknown })?.method === 'sha256');
    if (!usesHash || input.options['salt'] !== undefined) return [];
    return [{ ...ctx.issue(`${input.path}/columns`, 'W_MASK_NO_SALT', 'sha256 without a salt: hashes of guessable values can be reversed', 'add salt: ${env:MASK_SALT}'), severity: 'warning' }];
  },
  load: async () => {
    const { createMask } = await import('./transform.js');
    return { create: (options, ctx) => createMask(options as MaskOptions, ctx) };
  },
});
