// Group iris: the iris MLP 4-6-3 (sigmoid), 150 epochs — a pre-batched loop (120 random rows,
// batch 16, SGD lr 0.2: the cost of the steps alone) and the app's recipe end to end
// (`runIrisRecipe` of apps/iris: DataLoader, Runner, dev evaluation every 50 steps, best model
// saved and reloaded, test evaluation).
import { runIrisRecipe } from '@nnkit/app-iris/recipe';
import { IrisMLP } from '@nnkit/app-iris/model';
import { backward, CrossEntropyLoss } from '@nnkit/nn';
import { SGD } from '@nnkit/train';
import { randomUniform, tensor1d } from '@tensorflow/tfjs-core';
import type { GroupContext } from '../group-main.js';
import { measure, rest } from '../harness.js';
import type { Row } from '../row.js';

export async function run({ runs, ids, log }: GroupContext): Promise<Row[]> {
  const rows: Row[] = [];
  if (ids.has('iris-loop')) {
    log('iris, pre-batched loop');
    const lossFn = new CrossEntropyLoss();
    const xs = Array.from({ length: 8 }, (_, i) => randomUniform([i < 7 ? 16 : 8, 4]));
    const ys = xs.map((t) => tensor1d(Array.from({ length: t.shape[0]! }, (_, i) => i % 3), 'int32'));
    const fit = (): void => {
      const m = new IrisMLP();
      const o = new SGD(m.parameters(), { lr: 0.2 });
      for (let e = 0; e < 150; e++) {
        for (let i = 0; i < xs.length; i++) {
          o.zeroGrad();
          backward(() => lossFn.call(m.call(xs[i]!), ys[i]!), m).dispose();
          o.step();
        }
      }
      m.parameters()[0]!.data.dataSync();
      o.zeroGrad();
      m.dispose();
      o.dispose();
    };
    const r = await measure(fit, runs, 1, { profile: false });
    rows.push({ id: 'iris/iris-loop', workload: 'iris MLP full training, pre-batched loop (150 epochs, batch 16, SGD)', nnkit: r.ms, ...rest(r), note: 'peak tfjs MiB: live bytes after the run (tf.profile overflows the stack on 150 epochs)' });
    for (const t of [...xs, ...ys]) t.dispose();
  }
  if (ids.has('iris-recipe')) {
    log('iris, the app recipe');
    let acc = 0;
    const r = await measure(async () => void (acc = (await runIrisRecipe({ seed: 0 })).testAccuracy), runs, 1, { profile: false });
    rows.push({ id: 'iris/iris-recipe', workload: 'iris app recipe end to end (150 epochs: DataLoader, Runner, dev eval, best model)', nnkit: r.ms, ...rest(r), note: `test accuracy ${acc.toFixed(3)}; peak tfjs MiB: live bytes after the run` });
  }
  return rows;
}
