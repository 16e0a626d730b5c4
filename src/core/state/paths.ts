import { join } from 'node:path';
import type { Plan } from '../plan/types.js';

/** A pipeline name as a file name: anything outside [A-Za-z0-9._-] becomes '_'. */
export function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_') || '_';
}

type StatePathInput = Pick<Plan, 'name' | 'state'>;

export function stateFile(plan: StatePathInput): string {
  return join(plan.state.dir, `${safeName(plan.name)}.state.json`);
}

export function lockFile(plan: StatePathInput): string {
  return join(plan.state.dir, `${safeName(plan.name)}.lock`);
}

export function historyFile(plan: StatePathInput): string {
  return join(plan.state.dir, `${safeName(plan.name)}.runs.ndjson`);
}
