// Runs fuzz targets in child processes: each input is timed by the parent (a hang is killed and
// counted), a child that dies (V8 fatal error, abort, out of memory) is counted and restarted at
// the next input, so one fatal input never ends the suite.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EndMessage } from './child.js';

/** Counts for one target. */
export interface TargetReport {
  target: string;
  inputs: number;
  ok: number;
  typed: number;
  /** FormatErrors that do not name the file. */
  unnamed: number;
  untyped: number;
  /** Failed loads that changed the model/optimizer anyway. */
  damage: number;
  /** Successful loads with nonsense values (epoch 1.5, …). */
  nonsense: number;
  hangs: number;
  deaths: number;
  /** Inputs over the time budget (CPU time, ms). */
  slow: number;
  /** Inputs whose peak-RSS growth exceeded the memory bound. */
  memoryOutliers: number;
  /** A child that died outside any input (start-up, or the mutator itself failing): the run stopped short. */
  harnessErrors: number;
  maxMs: number;
  maxCpuMs: number;
  maxRssGrowthMiB: number;
  /** A few examples of every kind of failure. */
  examples: string[];
  seconds: number;
}

/** Options of {@link fuzzTarget}. */
export interface FuzzOptions {
  /** Inputs to run (crafted first, then mutations). */
  count: number;
  /** Seed of the mutations (default 12). */
  seed?: number;
  /** Budget per input, CPU ms (default 1000). */
  budgetMs?: number;
  /** Wall time after which an input counts as a hang and its child is killed (default 10 s). */
  hangMs?: number;
  /** Memory bound per input: `fixed + perByte × input size` of peak-RSS growth (default 256 MiB + 32 ×). */
  memory?: { fixed: number; perByte: number };
  /** Called after each input with the report so far (progress). */
  onProgress?: (report: TargetReport) => void;
}

/** CPU time (user + system, ms) of process `pid` from /proc, or -1 where unavailable. */
function cpuMs(pid: number | undefined): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks (USER_HZ = 100)
  } catch {
    return -1;
  }
}

const childPath = fileURLToPath(new URL('./child.ts', import.meta.url));
const packageDir = fileURLToPath(new URL('..', import.meta.url));

/**
 * Fuzzes one target with `count` inputs, restarting its child process after a hang or a death.
 *
 * @example
 * ```ts
 * const r = await fuzzTarget('mat5', { count: 300 }); // r.untyped === 0
 * ```
 */
export async function fuzzTarget(target: string, opts: FuzzOptions): Promise<TargetReport> {
  const seed = opts.seed ?? 12;
  const budget = opts.budgetMs ?? 1000;
  const hangMs = opts.hangMs ?? 10_000;
  const mem = opts.memory ?? { fixed: 256 << 20, perByte: 32 };
  const r: TargetReport = {
    target, inputs: 0, ok: 0, typed: 0, unnamed: 0, untyped: 0, damage: 0, nonsense: 0, hangs: 0, deaths: 0, slow: 0,
    memoryOutliers: 0, harnessErrors: 0, maxMs: 0, maxCpuMs: 0, maxRssGrowthMiB: 0, examples: [], seconds: 0,
  };
  const t0 = Date.now();
  const example = (kind: string, s: string): void => {
    if (r.examples.filter((e) => e.startsWith(kind)).length < 3) r.examples.push(`${kind} #${s}`);
  };
  let next = 0;
  while (next < opts.count) {
    next = await new Promise<number>((resolve) => {
      const child = fork(childPath, [target, String(next), String(opts.count), String(seed)], {
        execArgv: ['--conditions=@nnkit/source', '--import', 'tsx', '--max-old-space-size=4096', '--stack-size=984'],
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        cwd: packageDir,
      });
      let current = -1;
      let timer: NodeJS.Timeout | undefined;
      let stderr = '';
      let settled = false;
      child.stderr?.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-2000);
      });
      const finish = (resumeAt: number): void => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        resolve(resumeAt);
      };
      child.on('message', (m: { t: 'start' | 'end'; i: number }) => {
        if (m.t === 'start') {
          current = m.i;
          const cpu0 = cpuMs(child.pid);
          let waits = 0;
          const check = (): void => {
            // A child starved of CPU on a busy machine is not hung: wait while it has used less
            // than the hang time in CPU (Linux; elsewhere wall time decides), up to 6× the wall time.
            const used = cpuMs(child.pid) - cpu0;
            if (cpu0 >= 0 && used < hangMs && ++waits < 6) {
              timer = setTimeout(check, hangMs);
              return;
            }
            r.hangs++;
            r.inputs++;
            example('hang', `${current} (${used.toFixed(0)} ms cpu)`);
            child.kill('SIGKILL');
            finish(current + 1);
          };
          timer = setTimeout(check, hangMs);
          return;
        }
        if (timer) clearTimeout(timer);
        const e = m as unknown as EndMessage;
        r.inputs++;
        r[e.outcome]++;
        if (e.outcome !== 'ok' && e.outcome !== 'typed') example(e.outcome, `${e.i} ${e.detail ?? ''}`);
        r.maxMs = Math.max(r.maxMs, e.ms);
        r.maxCpuMs = Math.max(r.maxCpuMs, e.cpuMs);
        r.maxRssGrowthMiB = Math.max(r.maxRssGrowthMiB, e.rssGrowth / 2 ** 20);
        if (e.cpuMs > budget) (r.slow++, example('slow', `${e.i} ${e.cpuMs.toFixed(0)} ms cpu`));
        if (e.rssGrowth > mem.fixed + mem.perByte * e.size) (r.memoryOutliers++, example('memory', `${e.i} +${(e.rssGrowth / 2 ** 20).toFixed(0)} MiB for ${e.size} bytes`));
        current = -1;
        opts.onProgress?.(r);
      });
      child.on('exit', (code, signal) => {
        if (settled) return;
        if (current >= 0) {
          r.deaths++;
          r.inputs++;
          example('death', `${current} (exit ${code ?? signal}) ${stderr.split('\n').filter(Boolean).slice(-3).join(' | ')}`);
          finish(current + 1);
        } else if (code !== 0 && r.inputs < opts.count) {
          // died outside an input (start-up, a mutator bug): stop rather than loop, and count it
          // (a run that stops short is not clean)
          r.harnessErrors++;
          example('startup', `${code ?? signal} ${stderr.slice(-500)}`);
          finish(opts.count);
        } else finish(opts.count);
      });
    });
  }
  r.seconds = (Date.now() - t0) / 1000;
  return r;
}

/** Names of all targets (as in targets.ts). */
export const TARGETS = ['edf', 'gdf', 'mat5', 'mat73', 'wfdb', 'safetensors', 'saved-model', 'checkpoint', 'csv', 'image'] as const;

/** True when a report shows no failure of any kind. */
export function clean(r: TargetReport): boolean {
  return r.unnamed + r.untyped + r.damage + r.nonsense + r.hangs + r.deaths + r.slow + r.memoryOutliers + r.harnessErrors === 0;
}

/** One table row per report. */
export function table(reports: TargetReport[]): string {
  const head = '| reader | inputs | ok | typed errors | untyped | unnamed | damage | nonsense | hangs | deaths | slow (>1 s cpu) | mem outliers | max ms | max RSS growth MiB | s |';
  const rows = reports.map((r) =>
    `| ${r.target} | ${r.inputs} | ${r.ok} | ${r.typed} | ${r.untyped} | ${r.unnamed} | ${r.damage} | ${r.nonsense} | ${r.hangs} | ${r.deaths} | ${r.slow} | ${r.memoryOutliers} | ${r.maxMs.toFixed(0)} | ${r.maxRssGrowthMiB.toFixed(0)} | ${r.seconds.toFixed(0)} |`,
  );
  return [head, `|${'---|'.repeat(15)}`, ...rows].join('\n');
}
