// Child process of crash-safety.test.ts: a short seeded run that checkpoints every epoch into
// nodeStorage and SIGKILLs itself right before its KILL_AT-th storage write operation.
// MODE=best-model: instead, ModelCheckpoint({ bestOnly: true, full: false }) rewrites `best` at
// every dev check; before each commit (the rename of best.json) the weights being saved are
// appended to COMMITS (one JSON line: the op number and the weights), so the test knows which
// save the best model on disk must come from.
import { appendFileSync, writeFileSync } from 'node:fs';
import { CrossEntropyLoss } from '@nnkit/nn';
import { initBackend, manualSeed } from '@nnkit/tensor';
import { SGD } from '../../optim/sgd.js';
import { ModelCheckpoint } from '../../callbacks/model-checkpoint.js';
import { Runner } from '../runner.js';
import { nodeStorage } from '../storage.js';
import { ArrayLoader, blobs, SmallMlp, snapshot, TestRng } from '../test-utils.js';

const killAt = Number(process.env.KILL_AT ?? 0);
const dir = process.env.CKPT_DIR!;
const epochs = Number(process.env.EPOCHS ?? 2);
const bestModel = process.env.MODE === 'best-model';
let ops = 0;
await initBackend('cpu');
manualSeed(5);
const model = new SmallMlp();
const { x, y } = blobs(24);
const train = new ArrayLoader(x, y, 4, 8, new TestRng(9));
const storage = nodeStorage({
  beforeWrite: (op, path) => {
    ops++;
    if (ops === killAt) process.kill(process.pid, 'SIGKILL');
    if (bestModel && op === 'rename' && path.endsWith('/best.json')) {
      const weights = Object.fromEntries(Object.entries(snapshot(model)).map(([k, v]) => [k, Array.from(v)]));
      appendFileSync(process.env.COMMITS!, `${JSON.stringify({ op: ops, weights })}\n`);
    }
  },
});
const runner = new Runner({ model, optimizer: new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }), lossFn: new CrossEntropyLoss(), storage, log: null });
if (bestModel) {
  const dev = new ArrayLoader(x, y, 4, 12);
  await runner.fit(train, { epochs, devLoader: dev, evalSteps: 2, callbacks: [new ModelCheckpoint({ dir, bestOnly: true, full: false, monitor: 'dev_loss' })] });
} else await runner.fit(train, { epochs, callbacks: [new ModelCheckpoint({ dir, every: 1, keepLast: 2 })] });
writeFileSync(process.env.OUT!, JSON.stringify({ ops, weights: Object.fromEntries(Object.entries(snapshot(model)).map(([k, v]) => [k, Array.from(v)])) }));
