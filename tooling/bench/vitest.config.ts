import { nnkitVitestConfig } from '@nnkit/tooling-vitest-config';

export default nnkitVitestConfig();
