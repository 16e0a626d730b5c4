export { loadPipeline, loadPipelineText } from './load.js';
export type { LoadOptions, LoadResult } from './types.js';
export { MAX_FILE_BYTES, MAX_ALIAS_COUNT, MAX_NODES, parseYamlText, readPipelineFile, readPluginList, type ParsedFile } from './parse.js';
export { SourceMap, pointerJoin, pointerParts, type NodeInfo, type SourceText } from './locate.js';
export { didYouMean, editDistance, suggestion } from './did-you-mean.js';
export { lintContext } from './lint.js';
export { overlayCandidates } from './overlay.js';
