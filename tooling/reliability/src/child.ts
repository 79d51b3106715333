// A training run in its own process for the cross-process determinism test:
// `node --conditions=@nnkit/source --import tsx src/child.ts <iris|eeg> <seed> <epochs>` prints
// `RESULT <json>` with the loss curve (numbers as float64 bit patterns, hex, to compare bits).
import { initBackend } from '@nnkit/tensor';
import { eegTcnetLosses, irisLosses, syntheticTrials } from './workloads.js';

const [which, seed, epochs] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
await initBackend('wasm');
const losses =
  which === 'iris' ? await irisLosses(seed, epochs) : await eegTcnetLosses(seed, epochs, syntheticTrials(24, 256), syntheticTrials(8, 256), { batchSize: 8 });
console.log(`RESULT ${JSON.stringify(losses.map(bits))}`);

function bits(v: number): string {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, v);
  return b.getBigUint64(0).toString(16);
}
