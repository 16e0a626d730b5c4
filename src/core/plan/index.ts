export { compilePlan, parseMaxRejects, withDefaults, DEFAULT_BATCH_SIZE, STATE_DIR_NAME, type CompileInput } from './compile.js';
export type * from './types.js';
