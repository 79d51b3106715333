import { nnkitVitestConfig } from '@nnkit/tooling-vitest-config';

// --expose-gc: the soak suite collects garbage before each RSS sample.
export default nnkitVitestConfig({ test: { execArgv: ['--expose-gc'] } });
