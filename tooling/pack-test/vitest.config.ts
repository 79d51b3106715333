import { nnkitVitestConfig } from '@nnkit/tooling-vitest-config';

export default nnkitVitestConfig({ test: { testTimeout: 300_000, hookTimeout: 600_000 } });
