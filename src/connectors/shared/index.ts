/** Shared file utilities for every file connector (csv, ndjson, json, xml, parquet). */
export { STDIO_PATH, resolveTargetPath, displayPath } from './resolve-path.js';
export { openInput, readError, checkInputFile, type InputCompression, type OpenInputOptions } from './input.js';
export {
  openAtomicWriter,
  tempPathFor,
  outputCompressionFor,
  type AtomicWriter,
  type AtomicWriterOptions,
  type OutputCompression,
  type WriteMode,
} from './atomic-writer.js';
export { planFileSink, applyFileSink, type FileEncoder, type FilePlanInput, type FileSinkInternal } from './file-sink-base.js';
export { decodeText, createDecoder, countLineEnds, InvalidTextError } from './text-decode.js';
export { readOptions } from './options.js';
export { createRowBuilder, type RowBuilder, type BuildFailure } from './row-builder.js';
export { JsonBatchBuilder, PreciseNumber, preciseNumberValue, fitJsonValue } from './json-rows.js';
export { stringifyRow } from './json-write.js';
