import { grads, mul, sum, type Tensor } from '@tensorflow/tfjs-core';
import { assertClose, type Fixture, parityCases, readFixture, readFixtureConfig } from '@nnkit/tooling-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

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
 * Registers the cases of op fixture `name` (written by gen_conv.py) with the parity harness, one
 * `it` per case: forward output and gradients (loss = sum(out * r)) within `tol`, plus one `it`
 * checking the fixture has more than `minCases` cases. `run(op, x, params, opts)` evaluates the
 * nnkit op. Call inside a `describe` whose `beforeAll` sets the backend.
 */
export function opFixtureParity(
  url: string,
  name: string,
  title: string,
  run: (c: OpCase, x: Tensor, params: Tensor[], opts: Record<string, unknown>) => Tensor,
  { tol = 1e-4, minCases = 10 }: { tol?: number; minCases?: number } = {},
): void {
  const cases = readFixtureConfig<OpCase[]>(url, name);
  describe(title, () => {
    let fx: Fixture;
    beforeAll(() => {
      fx = readFixture(url, name);
    });
    afterAll(() => fx.dispose());
    it(`${name} has more than ${minCases} cases`, () => expect(cases.length).toBeGreaterThan(minCases));
    parityCases(
      'forward output and gradients match PyTorch',
      cases,
      (c) => {
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
      },
      { name: (c) => `${c.id} ${c.op}(${JSON.stringify(c.kwargs)})` },
    );
  });
}
