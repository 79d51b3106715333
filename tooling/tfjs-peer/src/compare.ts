import { readFileSync } from 'node:fs';

/** One spec's outcome in one run, as the child writes it (one JSON line per spec). */
export interface SpecResult {
  name: string;
  status: string; // 'passed' | 'failed' | 'excluded' | 'pending' | 'crashed' (not reached)
  message?: string;
}

/** An allow-listed difference: a spec plain tfjs passes and nnkit fails on purpose. */
export interface AllowEntry {
  /** The spec's full name with `{backend}` where jasmine puts the backend's name. */
  spec: string;
  /** Backends the entry applies to. */
  backends: string[];
  /** Why nnkit's outcome is right (or the difference harmless). */
  reason: string;
  /** Id of the check in `allow-list-proofs.test.ts` that proves it. */
  proof: string;
}

/** Outcome of comparing a control run with an nnkit run over the same specs. */
export interface Comparison {
  specs: number;
  controlPassed: number;
  nnkitPassed: number;
  /** Control passed, nnkit did not, not allow-listed: these fail the suite. */
  regressions: SpecResult[];
  /** Control passed, nnkit did not, allow-listed. */
  allowed: { result: SpecResult; entry: AllowEntry }[];
  /** nnkit passed, control did not. */
  improvements: string[];
  /** Allow-list entries (for the compared backends) whose spec no longer differs. */
  stale: AllowEntry[];
}

/** Reads a child's JSON-lines results; `expected` names every spec so unreached ones count as crashed. */
export function readResults(path: string): SpecResult[] {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as SpecResult];
      } catch {
        return []; // a line cut short by a crash
      }
    });
}

/**
 * Compares per-spec outcomes. A spec that ran in control but is missing from the nnkit run (the
 * child died) counts as `crashed`, i.e. not passed.
 */
export function compareRuns(control: SpecResult[], nnkit: SpecResult[], allow: AllowEntry[], backends: string[]): Comparison {
  const byName = new Map(nnkit.map((r) => [r.name, r]));
  const allowed = new Map<string, AllowEntry>();
  for (const e of allow) for (const b of e.backends) if (backends.includes(b)) allowed.set(e.spec.replaceAll('{backend}', b), e);
  const out: Comparison = { specs: 0, controlPassed: 0, nnkitPassed: 0, regressions: [], allowed: [], improvements: [], stale: [] };
  const used = new Set<string>();
  for (const c of control) {
    if (c.status === 'excluded') continue;
    out.specs++;
    const n = byName.get(c.name) ?? { name: c.name, status: 'crashed' };
    if (c.status === 'passed') out.controlPassed++;
    if (n.status === 'passed') out.nnkitPassed++;
    if (c.status === 'passed' && n.status !== 'passed') {
      const entry = allowed.get(c.name);
      if (entry) {
        out.allowed.push({ result: n, entry });
        used.add(c.name);
      } else out.regressions.push(n);
    } else if (c.status !== 'passed' && n.status === 'passed') out.improvements.push(c.name);
  }
  const ran = new Set(control.filter((c) => c.status !== 'excluded').map((c) => c.name));
  for (const [name, e] of allowed) if (ran.has(name) && !used.has(name) && !out.stale.includes(e)) out.stale.push(e);
  return out;
}
