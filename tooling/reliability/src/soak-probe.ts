// Where EEG-TCNet's RSS goes, epoch by epoch: RSS next to the wasm linear memory, V8's heap and
// ArrayBuffers (run: `node --expose-gc --conditions=@nnkit/source --import tsx src/soak-probe.ts [epochs] [--after-iris] [--trials=N]`,
// needs ../shared/data/bciciv2b; --trials=48 is the short soak's training set). Prints one line per epoch.
import { join } from 'node:path';
import { getHeapSpaceStatistics } from 'node:v8';
import { sharedDataDir } from '@nnkit/tooling-testing';
import { initBackend } from '@nnkit/tensor';
import { residentSplit, soakRecorder } from './soak.js';
import { eegTcnetLosses, firstTrials, irisLosses, load2b } from './workloads.js';

const epochs = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 6);

await initBackend('wasm');
const all = await load2b(join(sharedDataDir(), 'bciciv2b'));
if (!all) throw new Error(`no BCI IV 2b data under ${sharedDataDir()}`);
// as in the soak test: iris trains first in the same process (`--after-iris`)
if (process.argv.includes('--after-iris')) await irisLosses(1, 50);
const { trace, onEpoch } = soakRecorder();
const t0 = performance.now();
const trialsArg = process.argv.find((a) => a.startsWith('--trials='));
const train = trialsArg ? firstTrials(all, Number(trialsArg.slice(9))) : all;
await eegTcnetLosses(1, epochs, train, firstTrials(all, 16), {
  onEpoch: (e) => {
    onEpoch(e);
    const i = trace.epochs.length - 1;
    const f = (k: 'rssMiB' | 'wasmMiB' | 'heapMiB' | 'arrayBuffersMiB'): string => trace[k][i]!.toFixed(1).padStart(7);
    const r = residentSplit();
    const spaces = getHeapSpaceStatistics();
    const phys = (re: RegExp): string => (spaces.filter((x) => re.test(x.space_name)).reduce((a, x) => a + x.physical_space_size, 0) / 2 ** 20).toFixed(1);
    console.log(`epoch ${String(e).padStart(2)}  rss ${f('rssMiB')} (resident in the wasm reservation ${(r.wasm / 2 ** 20).toFixed(1).padStart(6)}, elsewhere ${(r.other / 2 ** 20).toFixed(1).padStart(6)})  wasm memory ${f('wasmMiB')}  js heap ${f('heapMiB')}  arrayBuffers ${f('arrayBuffersMiB')}  tensors ${trace.tensors[i]}  V8 resident: old ${phys(/^old_space/)} new ${phys(/^new_space/)} code ${phys(/code/)} large ${phys(/lo_space/)}  (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  },
});
