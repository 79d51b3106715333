import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleSpecs, wasmDir } from './bundle.js';
import { compareRuns, readResults, type AllowEntry, type Comparison } from './compare.js';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Options of {@link runPeerSuite}. */
export interface PeerOptions {
  /** Backends to run the specs on (default: `wasm`; the full mode adds `cpu`). */
  backends?: ('wasm' | 'cpu')[];
  /** Only specs whose full name matches (a regular expression source). */
  filter?: string;
  /** Folder for the bundle and the per-run results (default `node_modules/.cache/tfjs-peer`). */
  workDir?: string;
  /** Per-child time limit in ms (default 10 min). */
  timeoutMs?: number;
}

/** One child's run: results plus how it ended. */
interface ChildRun {
  results: ReturnType<typeof readResults>;
  code: number | null;
  signal: string | null;
  stderrTail: string;
  seconds: number;
}

function runChild(bundle: string, mode: 'control' | 'nnkit', backend: string, out: string, opts: PeerOptions): Promise<ChildRun> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bundle], {
      env: {
        ...process.env,
        PEER_MODE: mode,
        PEER_BACKENDS: backend,
        PEER_OUT: out,
        PEER_WASM_DIR: wasmDir,
        ...(opts.filter ? { PEER_FILTER: opts.filter } : {}),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-4000);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 600_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ results: readResults(out), code, signal, stderrTail: err, seconds: (Date.now() - t0) / 1000 });
    });
  });
}

/** Per-backend outcome of {@link runPeerSuite}. */
export interface BackendReport extends Comparison {
  backend: string;
  controlSeconds: number;
  nnkitSeconds: number;
  /** A child that did not exit 0 (crash, kill, time-out): what it said last. */
  childFailures: string[];
}

/** The allow-list shipped beside this package (`allow-list.json`). */
export function loadAllowList(): AllowEntry[] {
  return JSON.parse(readFileSync(join(pkgDir, 'allow-list.json'), 'utf8')) as AllowEntry[];
}

/**
 * Runs tfjs-core's op specs for each backend twice, in two child processes at once — plain tfjs
 * and with nnkit's kernels and gradients — and compares the outcomes spec by spec.
 *
 * @example
 * ```ts
 * const reports = await runPeerSuite({ backends: ['wasm'] });
 * for (const r of reports) console.log(r.backend, r.regressions.length);
 * ```
 */
export async function runPeerSuite(opts: PeerOptions = {}): Promise<BackendReport[]> {
  const workDir = opts.workDir ?? join(pkgDir, 'node_modules/.cache/tfjs-peer');
  mkdirSync(workDir, { recursive: true });
  const bundle = await bundleSpecs(workDir);
  const allow = loadAllowList();
  const reports: BackendReport[] = [];
  for (const backend of opts.backends ?? ['wasm']) {
    const [control, nnkit] = await Promise.all(
      (['control', 'nnkit'] as const).map((mode) => runChild(bundle, mode, backend, join(workDir, `${backend}-${mode}.jsonl`), opts)),
    );
    const cmp = compareRuns(control!.results, nnkit!.results, allow, [backend]);
    const childFailures = [control!, nnkit!].flatMap((c, i) =>
      c.code === 0 ? [] : [`${i === 0 ? 'control' : 'nnkit'} child ended with ${c.signal ?? `code ${c.code}`}: ${c.stderrTail.slice(-500)}`],
    );
    reports.push({ backend, ...cmp, controlSeconds: control!.seconds, nnkitSeconds: nnkit!.seconds, childFailures });
  }
  writeFileSync(join(workDir, 'summary.json'), JSON.stringify(reports, null, 2));
  return reports;
}

/** Human-readable lines for a report. */
export function formatReport(r: BackendReport): string {
  const lines = [
    `${r.backend}: ${r.specs} specs run; control passes ${r.controlPassed} (${r.controlSeconds.toFixed(0)} s), nnkit passes ${r.nnkitPassed} (${r.nnkitSeconds.toFixed(0)} s)`,
    `  differences: ${r.regressions.length + r.allowed.length} control-only passes (${r.allowed.length} allow-listed, ${r.regressions.length} not), ${r.improvements.length} nnkit-only passes`,
    ...r.allowed.map((a) => `  allowed: ${a.result.name} — ${a.entry.proof}`),
    ...r.regressions.map((x) => `  REGRESSION: ${x.name} :: ${x.status}${x.message ? `: ${x.message}` : ''}`),
    ...r.stale.map((e) => `  STALE allow-list entry (no longer differs): ${e.spec}`),
    ...r.childFailures.map((f) => `  CHILD: ${f}`),
  ];
  return lines.join('\n');
}
