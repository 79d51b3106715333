import { grads, mul, sum, type Tensor } from '@tensorflow/tfjs-core';
import { assertClose, readFixture } from '@nnkit/tooling-testing';

/** One case of a gen_conv.py op fixture. */
export interface OpCase {
  id: string;
  op: string;
  kwargs: Record<string, unknown>;
  params: string[];
}

/** snake_case PyTorch kwargs -> camelCase nnkit options (`kernel_size` -> `kernelSize`). */
export function camel(kw: Record<string, unknown>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(kw)) o[k.replace(/_(\w)/g, (_, c: string) => c.toUpperCase())] = v;
  return o;
}

/**
 * Checks every case of fixture `name`: forward output and gradients (loss = sum(out * r)).
 * `run(op, x, params, opts)` evaluates the nnkit op.
 */
export function checkOpFixture(
  url: string,
  name: string,
  run: (c: OpCase, x: Tensor, params: Tensor[], opts: Record<string, unknown>) => Tensor,
  tol = 1e-4,
): number {
  const fx = readFixture(url, name);
  const cases = fx.config<OpCase[]>();
  try {
    for (const c of cases) {
      const p = `${c.id}.`;
      const x = fx.get(`${p}in.x`);
      const r = fx.get(`${p}in.r`);
      const params = c.params.map((k) => fx.get(`${p}w.${k}`));
      const opts = camel(c.kwargs);
      const label = `${name} ${c.id} ${c.op}(${JSON.stringify(c.kwargs)})`;
      const out = run(c, x, params, opts);
      assertClose(out, fx.get(`${p}out`), { atol: tol, rtol: tol, name: `${label} out` });
      const g = grads((...ts: Tensor[]) => sum(mul(run(c, ts[0]!, ts.slice(1), opts), r)))([x, ...params]);
      assertClose(g[0]!, fx.get(`${p}grad.in.x`), { atol: tol, rtol: tol, name: `${label} grad x` });
      c.params.forEach((k, i) => assertClose(g[i + 1]!, fx.get(`${p}grad.w.${k}`), { atol: tol, rtol: tol, name: `${label} grad ${k}` }));
      out.dispose();
      g.forEach((t) => t.dispose());
    }
  } finally {
    fx.dispose();
  }
  return cases.length;
}
