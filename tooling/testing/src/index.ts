export { assertClose, closeness, type CloseOptions, type Closeness } from './close.js';
export { loadFixture, fixturePath, sharedDataDir, hasSharedData } from './fixtures.js';
export { readFixture, withPrefix, type Fixture } from './safetensors-fixture.js';
export { assertImportRegistersNothing } from './registration.js';
export { readFixtureConfig } from './safetensors-fixture.js';
export { itThrowsEach, type ThrowCase, type ThrowCaseOptions, type ErrorClass } from './throw-cases.js';
export { parityCases, type ParityOptions } from './harness.js';
export { repoRoot } from './fixtures.js';
export {
  SKIP_MARKER,
  skipTitle,
  needs,
  firstMissing,
  TORCH_PYTHON,
  pythonEnv,
  missingTorch,
  missingParityGenerators,
  missingSharedData,
  missingChromium,
  referenceDir,
  prepareSweep,
  type Sweep,
} from './requirements.js';
