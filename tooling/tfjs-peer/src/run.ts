// CLI: `pnpm --filter @nnkit/tooling-tfjs-peer peer` (wasm) or with NNKIT_TFJS_PEER_FULL=1 (wasm and cpu).
// Optional NNKIT_TFJS_PEER_FILTER=<regexp> runs only matching specs. Exits 1 on any regression.
import { formatReport, runPeerSuite } from './peer.js';

const full = process.env.NNKIT_TFJS_PEER_FULL === '1';
const filter = process.env.NNKIT_TFJS_PEER_FILTER;
const reports = await runPeerSuite({ backends: full ? ['wasm', 'cpu'] : ['wasm'], ...(filter ? { filter } : {}) });
for (const r of reports) console.log(formatReport(r));
const bad = reports.some((r) => r.regressions.length > 0 || r.stale.length > 0 || r.childFailures.length > 0);
process.exit(bad ? 1 : 0);
