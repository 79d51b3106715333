// One fuzz worker: runs inputs [from, to) of one target and reports each to the parent over IPC
// (a 'start' before, an 'end' after), so the parent can time it out or see it die.
import { performance } from 'node:perf_hooks';
import { inputSeed, Rng } from './mutator.js';
import { isTyped, type Input, targets } from './targets.js';

export type Outcome = 'ok' | 'typed' | 'unnamed' | 'untyped' | 'damage' | 'nonsense';
export interface EndMessage {
  t: 'end';
  i: number;
  outcome: Outcome;
  ms: number;
  cpuMs: number;
  /** Growth of the process's peak RSS during this input (bytes). */
  rssGrowth: number;
  /** Input size (bytes, all files). */
  size: number;
  detail?: string;
}

const [name, fromS, toS, seedS] = process.argv.slice(2);
const target = targets().find((t) => t.name === name);
if (!target) throw new Error(`no fuzz target '${name}'`);
const seeds = await target.seeds();
const crafted = target.crafted();
if (seeds.length === 0 && crafted.length === 0) throw new Error(`fuzz target '${name}' has no inputs`);
const send = (m: unknown): Promise<void> => new Promise((res) => process.send!(m, () => res()));

/** Input `i`: the crafted ones first, then mutations of the seeds in turn. */
function inputAt(i: number, seed: number): Input {
  if (i < crafted.length) return crafted[i]!;
  const rng = new Rng(inputSeed(seed, i));
  return target!.mutate(seeds[i % seeds.length]!, rng);
}

const seed = Number(seedS);
for (let i = Number(fromS); i < Number(toS); i++) {
  const input = inputAt(i, seed);
  const size = Object.values(input).reduce((a, b) => a + b.length, 0);
  const file = target.fileOf(input);
  await send({ t: 'start', i });
  const rss0 = process.resourceUsage().maxRSS * 1024;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let outcome: Outcome = 'ok';
  let detail: string | undefined;
  try {
    const r = await target.run(input);
    const bad = target.nonsense?.(r);
    if (bad) [outcome, detail] = ['nonsense', bad];
  } catch (e) {
    if (isTyped(e)) {
      const f = (e as { file?: string }).file;
      const names = [file, ...Object.keys(input)];
      if (f !== undefined && names.some((n) => f === n || n.startsWith(f) || f.startsWith(n))) outcome = 'typed';
      else [outcome, detail] = ['unnamed', `${(e as Error).message.slice(0, 200)} (file ${f}, expected ${file})`];
    } else {
      outcome = 'untyped';
      detail = `${(e as Error)?.name}: ${String((e as Error)?.message ?? e).slice(0, 200)} ${(e as Error)?.stack?.split('\n')[1]?.trim() ?? ''}`;
    }
    if (outcome === 'typed' && target.damage) {
      const d = await target.damage();
      if (d) [outcome, detail] = ['damage', d];
    }
  }
  const ms = performance.now() - t0;
  const c = process.cpuUsage(cpu0);
  const msg: EndMessage = { t: 'end', i, outcome, ms, cpuMs: (c.user + c.system) / 1000, rssGrowth: process.resourceUsage().maxRSS * 1024 - rss0, size };
  if (detail) msg.detail = `${file.split('/').pop()}: ${detail}`;
  await send(msg);
}
process.disconnect?.();
