export { loadPlugins, resolvePlugin } from './load.js';
export type { LoadPluginsOptions, LoadedPlugin, LoadedPlugins, PluginRequest } from './load.js';
export { pluginRequests } from './requests.js';
