export {
  composePipelineSchema, plain, SOURCE_ENVELOPE_KEYS, SINK_ENVELOPE_KEYS, TRANSFORM_ENVELOPE_KEYS,
  PIPELINE_NAME_PATTERN, MAX_REJECTS_PATTERN,
} from './compose.js';
export { pipelineValidator, ANNOTATION_KEYWORDS, type PipelineValidator } from './validator.js';
