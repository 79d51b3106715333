export { initBackend, backendName, BackendInitError, type BackendName, type InitBackendOptions } from './backend.js';
export * from './errors/index.js';
export { installKernels } from './kernels/install.js';
export { wasmHeapBytes, explainWasmTrap, WASM_HEAP_MAX_BYTES } from './kernels/wasm-heap.js';
export { batchNormRows, batchNormRowsGrad, hasSimdBatchNorm, type BatchNormRowsResult } from './kernels/simd/batch-norm-rows.js';
export { isRecordingGradients, withoutGradientTape, withSharedSavedTensors, checkEngineInternals } from './engine-internals.js';
export * from './ops/conv/index.js';
export * from './ops/basic/index.js';
export * from './grad-check/index.js';
