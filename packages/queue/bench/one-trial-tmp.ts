import { setup, signals, trial } from '../src/node/__fixtures__/conv-trial.js';
await setup();
const data = signals(150, 3, 500, 1);
const idx = Array.from({ length: 150 }, (_, i) => i);
const ctx = (epochs: number) => ({ params: { lr: 0.01, epochs }, seed: 0, fold: 0, trainIndex: idx.slice(0, 100), testIndex: idx.slice(100), data } as never);
console.log(await trial(ctx(1)));
const c0 = process.cpuUsage(); const t0 = performance.now();
console.log(await trial(ctx(Number(process.argv[2] ?? 10))));
const c = process.cpuUsage(c0); const wall = performance.now() - t0;
console.log(process.execArgv.filter((a) => a.startsWith('--s') || a.startsWith('--max')).join(' ') || 'default', `wall ${(wall/1000).toFixed(2)} s cpu ${((c.user + c.system) / 1e6).toFixed(2)} s ratio ${((c.user + c.system) / 1000 / wall).toFixed(2)}`);
import { readdirSync, readFileSync } from 'node:fs';
for (const t of readdirSync('/proc/self/task')) {
  const st = readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
  const name = st.slice(st.indexOf('(') + 1, st.lastIndexOf(')'));
  const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
  const ms = (Number(f[11]) + Number(f[12])) * 10;
  if (ms > 0) console.log(name, ms);
}
