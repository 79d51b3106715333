// Debug one fuzz input outside the harness: `node --conditions=@nnkit/source --import tsx src/debug-input.ts <target> <index> [seed]`.
import { inputSeed, Rng } from './mutator.js';
import { targets } from './targets.js';

const [name, iS, seedS] = process.argv.slice(2);
const t = targets().find((x) => x.name === name)!;
const seeds = await t.seeds();
const crafted = t.crafted();
const i = Number(iS);
const input = i < crafted.length ? crafted[i]! : t.mutate(seeds[i % seeds.length]!, new Rng(inputSeed(Number(seedS ?? 12), i)));
console.log('input', Object.entries(input).map(([k, v]) => `${k}: ${v.length} bytes`).join(', '));
const c0 = process.cpuUsage();
try {
  const r = await t.run(input);
  console.log('ok', typeof r === 'object' ? Object.keys(r as object).slice(0, 10) : r);
} catch (e) {
  console.log('error', (e as Error).name, (e as Error).message.slice(0, 300));
}
const c = process.cpuUsage(c0);
console.log('cpu ms', (c.user + c.system) / 1000);
