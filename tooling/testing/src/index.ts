export { assertClose, closeness, type CloseOptions, type Closeness } from './close.js';
export { loadFixture, fixturePath, sharedDataDir, hasSharedData } from './fixtures.js';
export { readFixture, withPrefix, type Fixture } from './safetensors-fixture.js';
export { assertImportRegistersNothing } from './registration.js';
export { checkAgainstTorch, checkModuleCase, type CaseModule } from './module-case.js';
