/**
 * etl-cli as a library: load and validate a pipeline, plan it, run it — without the CLI.
 *
 *   const registry = createRegistry();
 *   const { plan, issues } = await loadPipeline('orders.yml', { registry, environment: process.env });
 *   if (plan) await runPipeline(plan, { signal: new AbortController().signal, events: console.log });
 */
export { createRegistry, builtinConnectors, type Registry } from './registry.js';
export { loadPipeline, loadPipelineText } from './core/config/index.js';
export type { LoadOptions, LoadResult } from './core/config/types.js';
export { composePipelineSchema } from './core/schema/index.js';
export { loadPlugins, pluginRequests } from './core/plugins/index.js';
export type { LoadPluginsOptions, LoadedPlugins, PluginRequest } from './core/plugins/index.js';
export { runPipeline, dryRunPipeline, debugPipeline, checkPipeline } from './core/engine/index.js';
export type * from './core/engine/types.js';
export type { Plan } from './core/plan/types.js';
export type { EtlEvent, EventSink } from './core/events.js';
export type { Issue, Location } from './core/issues.js';
export * from './core/errors.js';
export type * from './core/records/types.js';
export { defineConnector } from './connectors/define.js';
export type * from './connectors/define.js';
export { defineTransform } from './transforms/define.js';
export type * from './transforms/define.js';
