// One run of tfjs-core's op specs, bundled by ../bundle.ts and executed in a child process.
// PEER_MODE=control: plain tfjs (tfjs-core, its gradients, tfjs-backend-wasm and -cpu).
// PEER_MODE=nnkit: the same after `initBackend()` of @nnkit/tensor for each backend, with nnkit's
// gradients taking precedence over tfjs's for every kernel nnkit registers one for (as in an
// app that imports nnkit and never loads tfjs's gradient module; tfjs's gradients fill the rest).
// One JSON line per finished spec goes to PEER_OUT, so a crash still leaves every earlier result.
import { appendFileSync, writeFileSync } from 'node:fs';
import { jasmineEnv } from './jasmine-boot.js';

type Backend = 'wasm' | 'cpu';
const mode = process.env.PEER_MODE === 'nnkit' ? 'nnkit' : 'control';
const backends = (process.env.PEER_BACKENDS ?? 'wasm').split(',').filter(Boolean) as Backend[];
const out = process.env.PEER_OUT ?? 'peer-results.jsonl';
const filter = process.env.PEER_FILTER ? new RegExp(process.env.PEER_FILTER) : undefined;

async function main(): Promise<void> {
  // tfjs prints "Overriding gradient/kernel…" and backend notices; keep the run's output readable.
  const warn = console.warn;
  console.warn = () => {};

  const tf = await import('@tensorflow/tfjs-core');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (process.env.PEER_WASM_DIR) wasm.setWasmPaths(process.env.PEER_WASM_DIR);
  await import('@tensorflow/tfjs-backend-cpu');
  // The chained ops (`x.sum()`, …) the specs use, as tfjs's own test set-up loads them.
  await import('@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js');

  const kernelNames = (Object.values(await import('@tensorflow/tfjs-core/dist/kernel_names.js')) as unknown[]).filter(
    (v): v is string => typeof v === 'string',
  );
  let nnkitGradients: ReturnType<typeof tf.getGradient>[] = [];
  if (mode === 'nnkit') {
    const { initBackend } = await import('@nnkit/tensor');
    for (const b of backends) await initBackend(b);
    nnkitGradients = kernelNames.map((k) => tf.getGradient(k)).filter((g) => g !== undefined);
  }
  await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  for (const g of nnkitGradients) if (g) tf.registerGradient(g);

  const jasmineUtil = await import('@tensorflow/tfjs-core/dist/jasmine_util.js');
  jasmineUtil.setTestEnvs(backends.map((b) => ({ name: b, backendName: b, isDataSync: true })));
  // @ts-expect-error virtual module: every *_test.js under tfjs-core's dist/ops (see ../bundle.ts)
  await import('peer:specs');
  console.warn = warn;

  writeFileSync(out, '');
  const seen = new Map<string, number>();
  jasmineEnv.configure({
    specFilter: (spec: { getFullName(): string }) => !filter || filter.test(spec.getFullName()),
  });
  jasmineEnv.addReporter({
    specDone: (r: { fullName: string; status: string; failedExpectations: { message: string }[] }) => {
      const n = (seen.get(r.fullName) ?? 0) + 1;
      seen.set(r.fullName, n);
      const name = n > 1 ? `${r.fullName} #${n}` : r.fullName;
      const message = r.failedExpectations[0]?.message.split('\n')[0]?.slice(0, 300);
      appendFileSync(out, `${JSON.stringify({ name, status: r.status, ...(message ? { message } : {}) })}\n`);
    },
  });
  await jasmineEnv.execute();
  process.exit(0);
}

void main();
