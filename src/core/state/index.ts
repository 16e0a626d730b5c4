export { readState, writeWatermark, writeStreamWatermark, setWatermark, resetState } from './watermark-store.js';
export { fileStateStore, openStateStore } from './store.js';
export type { StateStore, StoredWatermark, OpenStoreContext } from './store.js';
export type { PipelineState, WatermarkMeta } from './watermark-store.js';
export { acquireLock, readLock, pidAlive } from './lock.js';
export type { AcquireOptions, LockInfo, RunLock } from './lock.js';
export { appendHistory, readHistory } from './history.js';
export type { RunHistoryEntry } from './history.js';
export { stateFile, lockFile, historyFile, safeName } from './paths.js';
