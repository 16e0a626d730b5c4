import type { SinkRuntime, SourceRuntime } from '../../connectors/define.js';
import type { TransformRuntime } from '../../transforms/define.js';
import { RunError } from '../errors.js';
import type { Plan } from '../plan/types.js';

export interface Runtimes {
  readonly source: SourceRuntime;
  readonly transforms: readonly TransformRuntime[];
  readonly sinks: readonly SinkRuntime[];
}

/** Imports every stage's implementation (and its driver) before any data is touched. */
export async function loadRuntimes(plan: Plan): Promise<Runtimes> {
  const [source, transforms, sinks] = await Promise.all([
    load(plan.extract.definition.name, plan.extract.label, () => plan.extract.definition.load()),
    Promise.all(plan.transforms.map((t) => load(t.definition.name, t.label, () => t.definition.load()))),
    Promise.all(plan.loads.map((s) => load(s.definition.name, s.label, () => s.definition.load()))),
  ]);
  if (!source.source) throw cannot(plan.extract.definition.name, 'read (it has no source)', plan.extract.label);
  return {
    source: source.source,
    transforms,
    sinks: sinks.map((rt, i) => {
      const stage = plan.loads[i]!;
      if (!rt.sink) throw cannot(stage.definition.name, 'write (it has no sink)', stage.label);
      return rt.sink;
    }),
  };
}

export async function load<T>(name: string, stage: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new RunError('E_LOAD', `cannot load ${name} for ${stage}: ${(err as Error).message}`, {
      cause: err,
      where: { stage },
      hint: 'a driver package may be missing; reinstall etl-cli or install the driver it names',
    });
  }
}

export function cannot(name: string, what: string, stage: string): RunError {
  return new RunError('E_LOAD', `connector ${name} cannot ${what}`, { where: { stage } });
}
