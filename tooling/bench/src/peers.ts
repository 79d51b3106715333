// Child processes of `pnpm bench`: a group's nnkit process and its PyTorch process.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Row, TorchCell } from './row.js';

const here = dirname(fileURLToPath(import.meta.url));
/** Debian's python3 with python3-torch (not a pyenv shim without torch). */
export const PYTHON = process.env['BENCH_PYTHON'] ?? '/usr/bin/python3';

/**
 * The environment of a PyTorch peer: one thread everywhere. `torch.set_num_threads(1)` bounds
 * ATen's own pool only; Debian's torch and numpy do their GEMMs in OpenBLAS, whose threads are
 * set by environment before the library loads (without this, matmuls ran on both cores).
 */
export function torchEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1', PYTHONDONTWRITEBYTECODE: '1', ...extra };
}

const lastJson = <T>(out: string): T => JSON.parse(out.trim().split('\n').pop()!) as T;

/**
 * Runs `tooling/bench/<script> id...` with BENCH_RUNS; returns its cells by workload id, or null
 * when python3 or torch is missing or the script fails (the reason goes to stderr).
 */
export function torchPeer(script: string, ids: readonly string[], runs: number): Record<string, TorchCell> | null {
  if (!existsSync(PYTHON)) return null;
  try {
    const out = execFileSync(PYTHON, [join(here, '..', script), ...ids], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: torchEnv({ BENCH_RUNS: String(runs) }),
      maxBuffer: 1 << 24,
    });
    return lastJson<Record<string, TorchCell>>(out);
  } catch (e) {
    const err = (e as { stderr?: string }).stderr ?? (e as Error).message;
    process.stderr.write(`PyTorch peer ${script} failed: ${err.trim().split('\n').slice(-3).join(' | ')}\n`);
    return null;
  }
}

/** Field-wise mean of two peer runs (the machine's load drifts between them); RSS: the max. */
export function meanPeer(a: Record<string, TorchCell> | null, b: Record<string, TorchCell> | null): Record<string, TorchCell> | null {
  if (a === null || b === null) return a ?? b;
  return Object.fromEntries(
    Object.entries(a).map(([k, x]) => {
      const y = b[k];
      return [k, y === undefined ? x : { ms: (x.ms + y.ms) / 2, rssMb: Math.max(x.rssMb, y.rssMb), ...(x.cpuMs !== undefined && y.cpuMs !== undefined ? { cpuMs: (x.cpuMs + y.cpuMs) / 2 } : {}) }];
    }),
  );
}

/** Runs one group's nnkit workloads in a fresh Node process (`group-main.ts`); its rows. */
export function nnkitGroup(group: string, ids: readonly string[], runs: number): { backend: string; rows: Row[] } {
  const out = execFileSync(process.execPath, ['--conditions=@nnkit/source', '--import', 'tsx', join(here, 'group-main.ts'), group, String(runs), ...ids], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 26,
  });
  return lastJson<{ backend: string; rows: Row[] }>(out);
}
