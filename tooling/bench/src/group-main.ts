/**
 * One group's nnkit workloads in their own process: `group-main.ts GROUP RUNS ID...` prints
 * `{ backend, rows }` as one JSON line on stdout (progress on stderr). Started by run.ts.
 */
import { initBackend } from '@nnkit/tensor';
import type { Row } from './row.js';

/** What every `workloads/<group>.ts` exports. */
export interface GroupContext {
  runs: number;
  /** The selected workload ids of the group. */
  ids: ReadonlySet<string>;
  /** Progress line (stderr). */
  log: (line: string) => void;
}
export type GroupRunner = (ctx: GroupContext) => Promise<Row[]>;

const [group, runs, ...ids] = process.argv.slice(2);
const backend = await initBackend();
const mod = (await import(`./workloads/${group}.js`)) as { run: GroupRunner };
const rows = await mod.run({ runs: Number(runs), ids: new Set(ids), log: (l) => void process.stderr.write(`  ${group}: ${l}\n`) });
process.stdout.write(`${JSON.stringify({ backend, rows })}\n`);
