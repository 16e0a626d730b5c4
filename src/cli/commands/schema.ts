import type { CliContext } from '../context.js';
import { loadRegistry } from '../load.js';

/** Prints the composed pipeline JSON Schema for editors (yaml-language-server, VS Code). */
export async function schemaCommand(cli: CliContext, flags: { readonly plugin?: readonly string[] } = {}): Promise<void> {
  const [{ composePipelineSchema }, registry] = await Promise.all([import('../../core/schema/index.js'), loadRegistry({ plugins: flags.plugin ?? [] })]);
  cli.stdout.write(JSON.stringify(composePipelineSchema(registry), null, 2) + '\n');
}
