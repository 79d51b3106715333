export { initBackend, backendName, BackendInitError, type BackendName, type InitBackendOptions } from './backend.js';
export { installKernels } from './kernels/install.js';
