import { nnkitVitestConfig } from '@nnkit/tooling-vitest-config';

export default nnkitVitestConfig({ test: { testTimeout: 120_000, hookTimeout: 120_000 } });
