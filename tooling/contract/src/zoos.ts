import * as attention from '@nnkit/attention';
import * as eeg from '@nnkit/eeg';
import { Module, type ModelEntry } from '@nnkit/nn';
import * as vision from '@nnkit/vision';

/** A model zoo as the contract suite sees it: its exports, its registry, its Module classes. */
export interface Zoo {
  name: string;
  models: readonly ModelEntry[];
  /** Exported Module subclasses that are bases, not models (the zoo's `modelBases`). */
  bases: readonly string[];
  /** Every exported class that extends Module, by export name. */
  moduleClasses: [string, abstract new (...a: never[]) => Module][];
}

function zoo(name: string, exports: Record<string, unknown>): Zoo {
  const moduleClasses = Object.entries(exports).filter(
    (e): e is [string, abstract new (...a: never[]) => Module] => typeof e[1] === 'function' && (e[1] as { prototype?: unknown }).prototype instanceof Module,
  );
  return {
    name,
    models: (exports['models'] as readonly ModelEntry[] | undefined) ?? [],
    bases: (exports['modelBases'] as readonly string[] | undefined) ?? [],
    moduleClasses,
  };
}

/**
 * The zoo packages, discovered from their exports: each lists its models in `export const models:
 * ModelEntry[]` (and bases in `modelBases`). Add a new zoo package here and to package.json.
 */
export const zoos: Zoo[] = [zoo('@nnkit/eeg', eeg), zoo('@nnkit/attention', attention), zoo('@nnkit/vision', vision)];
