import type { TransformDefinition } from './define.js';
import { filter } from './filter/index.js';
import { derive } from './derive/index.js';
import { select } from './select/index.js';
import { drop } from './drop/index.js';
import { rename } from './rename/index.js';
import { cast } from './cast/index.js';
import { validate } from './validate/index.js';
import { mask } from './mask/index.js';
import { dedupe } from './dedupe/index.js';
import { defaultTransform } from './default/index.js';
import { flatten } from './flatten/index.js';
import { unnest } from './unnest/index.js';
import { script } from './script/index.js';
import { lookup } from './lookup/index.js';

/** The one explicit list of built-in transforms. Importing it is cheap: implementations load lazily. */
export const builtinTransforms: readonly TransformDefinition[] = [
  filter, derive, select, drop, rename, cast, validate, mask, dedupe, defaultTransform, flatten, unnest, script, lookup,
] as unknown as readonly TransformDefinition[];

export { filter, derive, select, drop, rename, cast, validate, mask, dedupe, defaultTransform, flatten, unnest, script, lookup };
