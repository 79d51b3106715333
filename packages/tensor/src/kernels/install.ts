import { findBackend, getKernel } from '@tensorflow/tfjs-core';
import type { BackendName } from '../backend.js';
import { NNKIT_CONV, registerConvKernels } from './conv-nhwc.js';
import { registerNnkitGradients } from './gradients/index.js';
import { installEmptySafeKernels } from './empty-safe.js';
import { installFastGather } from './fast-gather.js';
import { installFastSlice } from './fast-slice.js';
import { registerMaxPoolKernels } from './max-pool-nchw.js';
import { installPreciseReductions } from './precise-reduce.js';
import { installBatchNormRows } from './simd/batch-norm-rows.js';
import { installBroadcastRows } from './simd/broadcast-rows.js';
import { installDepthwiseRows } from './simd/depthwise-rows.js';
import { installDepthwiseSpatial } from './simd/depthwise-spatial.js';
import { installDepthwiseRowsNchw } from './simd/depthwise-rows-nchw.js';
import { installConvDirectNchw } from './simd/conv-direct-nchw.js';
import { installMatMulTiles } from './simd/matmul-tiles.js';
import { installMaxPoolRows } from './simd/max-pool-rows.js';
import { installWinograd } from './simd/winograd.js';
import { installWinogradRows } from './simd/winograd-rows.js';
import { installDepthwiseSpatialNchw } from './simd/depthwise-spatial-nchw.js';
import { installPatches } from './simd/patches.js';
import { installReduceRows } from './simd/reduce-rows.js';
import { installRowVector } from './simd/row-vector.js';
import { installTallMatMul } from './simd/matmul-tall.js';
import { installTransposeRows } from './simd/transpose-rows.js';
import { installWasmHeapGuard } from './wasm-heap.js';
import { installConvWindowsNchw } from './windows-conv-nchw.js';

const installed = new Set<string>();

/**
 * Registers nnkit's extra kernels and gradients for `backend` (idempotent): nnkit's own
 * gradients for the tfjs-core kernels it uses (Add, MatMul, Sum, Softmax, ...; only those
 * that have no gradient yet, so gradients loaded by the app are kept), and the `NnkitConv2D`
 * convolution kernel behind `conv1d`/`conv2d` (any stride with any dilation, plain and
 * depthwise) with its gradient, which tfjs-backend-wasm 4.22 lacks, and on wasm and cpu the NCHW
 * max-pooling kernel behind `maxPool1d`/`maxPool2d` (`registerMaxPoolKernels`); on wasm it also replaces the
 * float32 `Sum` and `Mean` kernels with float64-accumulating ones ({@link installPreciseReductions}:
 * the original sums in float32 and drifts from PyTorch on large batches) and its `Slice` with one
 * that copies contiguous runs ({@link installFastSlice}, 10× faster on time-step cuts), and makes its
 * `Transpose` accept empty tensors ({@link installEmptySafeKernels}); on wasm and cpu `GatherV2`
 * copies whole rows ({@link installFastGather}, 100× faster on a data loader's batch), and a full
 * wasm heap throws an `OutOfMemoryError` ({@link installWasmHeapGuard}); on wasm with SIMD,
 * one-row depthwise convolutions and their filter gradient run on nnkit's own wasm SIMD kernels
 * ({@link installDepthwiseRows}; one-channel plain ones: {@link installBroadcastRows}; spatial
 * filters over all rows: {@link installDepthwiseSpatial}), and so do matrix products with a tall,
 * narrow right operand (weight and filter gradients; {@link installTallMatMul}), training-mode
 * batch norm ({@link installBatchNormRows}, used by nnkit's `BatchNorm1d/2d`) and the float64
 * `Sum`/`Mean` loops ({@link installReduceRows}), and the transposes that change a tensor's layout
 * between NCHW and NHWC ({@link installTransposeRows}), the window matrices (im2col, col2im) that
 * put the filter and input gradients of convolutions with few channels on one GEMM
 * ({@link installPatches}), and the add or product of a tensor and a row vector along its last
 * axis (a convolution's bias in NHWC; {@link installRowVector}). The same gradients are
 * used in Node, bundlers and test runners. Awaited by `initBackend()`; exported for users who
 * set the backend up themselves.
 *
 * @example
 * ```ts
 * await tf.setBackend('wasm');
 * await installKernels('wasm');
 * ```
 */
export async function installKernels(backend: BackendName | string): Promise<void> {
  if (!installed.has(backend)) {
    if (getKernel(NNKIT_CONV, backend) === undefined) registerConvKernels(backend);
    registerMaxPoolKernels(backend);
    installPreciseReductions(backend);
    installFastSlice(backend);
    installFastGather(backend);
    installEmptySafeKernels(backend);
    if (backend === 'wasm') installWasmHeapGuard();
    installed.add(backend);
  }
  registerNnkitGradients();
  if (backend === 'wasm') {
    const wasm = findBackend('wasm');
    for (const install of [installDepthwiseRows, installBroadcastRows, installDepthwiseSpatial, installDepthwiseSpatialNchw, installDepthwiseRowsNchw, installConvDirectNchw, installMatMulTiles, installTallMatMul, installBatchNormRows, installReduceRows, installTransposeRows, installPatches, installConvWindowsNchw, installRowVector, installMaxPoolRows, installWinograd, installWinogradRows]) await install(wasm);
  }
  await Promise.resolve();
}
