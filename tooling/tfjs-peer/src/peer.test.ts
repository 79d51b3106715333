// The CI variant: every tfjs-core op spec on wasm, plain tfjs vs nnkit (~40 s per run on an idle
// 2-core machine, both runs at once). NNKIT_TFJS_PEER_FULL=1 adds the cpu backend.
import { describe, expect, it } from 'vitest';
import { formatReport, runPeerSuite } from './peer.js';

const full = process.env.NNKIT_TFJS_PEER_FULL === '1';

describe('tfjs-core op specs: nnkit vs plain tfjs', () => {
  it(`no spec plain tfjs passes fails with nnkit (${full ? 'wasm and cpu' : 'wasm'})`, async () => {
    const reports = await runPeerSuite({ backends: full ? ['wasm', 'cpu'] : ['wasm'] });
    for (const r of reports) {
      console.log(formatReport(r));
      expect(r.childFailures, r.backend).toEqual([]);
      expect(r.specs, r.backend).toBeGreaterThan(3000);
      expect(r.regressions.map((x) => `${x.name} :: ${x.message ?? x.status}`), r.backend).toEqual([]);
      expect(r.stale.map((e) => e.spec), r.backend).toEqual([]);
    }
  }, 600_000);
});
