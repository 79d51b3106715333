import type { Tensor } from '@tensorflow/tfjs-core';
import type { LoadStateDictOptions, LoadStateDictResult, Module } from '../module.js';
import { PthError } from './pth-error.js';
import { isLegacyPth, loadPth, type LoadPthOptions } from './pth-read.js';
import { isZip } from './pth-zip.js';
import { loadSafetensors } from './read.js';

/** The formats {@link readStateDict} recognises from a file's first bytes. */
export type CheckpointFormat = 'pth' | 'pth-legacy' | 'safetensors' | 'unknown';

/**
 * Tells a checkpoint's format from its first bytes: a zip archive (`torch.save`, torch ≥ 1.6),
 * a bare pickle or tar (legacy `torch.save`), or safetensors (8-byte header length then `{`).
 *
 * @example
 * ```ts
 * checkpointFormat(readFileSync('resnet.pth')); // 'pth'
 * ```
 */
export function checkpointFormat(bytes: Uint8Array): CheckpointFormat {
  if (isZip(bytes)) return 'pth';
  if (isLegacyPth(bytes)) return 'pth-legacy';
  if (bytes.length >= 9 && bytes[8] === 0x7b) {
    const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
    if (n >= 2n && n <= BigInt(bytes.length - 8)) return 'safetensors';
  }
  return 'unknown';
}

/**
 * Reads a state dict from a PyTorch checkpoint (`.pth` / `.pt`, see {@link loadPth}) or a
 * safetensors file, telling them apart by their bytes. The tensors belong to the caller.
 *
 * @example
 * ```ts
 * const dict = readStateDict(bytes, { file: 'weights.pth' }); // Record<string, Tensor>
 * ```
 */
export function readStateDict(input: Uint8Array | ArrayBuffer, opts: LoadPthOptions = {}): Record<string, Tensor> {
  const bytes = input instanceof ArrayBuffer ? new Uint8Array(input) : input;
  if (!(bytes instanceof Uint8Array)) throw new PthError('not_a_checkpoint', `expected a Uint8Array or ArrayBuffer, got ${Object.prototype.toString.call(input)}`, opts.file);
  const format = checkpointFormat(bytes);
  if (format === 'safetensors') return loadSafetensors(bytes);
  if (format === 'unknown') throw new PthError('not_a_checkpoint', 'neither a PyTorch checkpoint (zip) nor a safetensors file', opts.file);
  return loadPth(bytes, opts);
}

/**
 * Loads a `.pth` / `.pt` checkpoint or a safetensors file straight into `module`
 * ({@link readStateDict} then `module.loadStateDict`), freeing the read tensors afterwards.
 * Strict by default: missing and unexpected keys are named in a `StateDictError`.
 *
 * @example
 * ```ts
 * const model = new LeNet().eval();
 * loadStateDictFromFile(model, readFileSync('lenet.pth'), { file: 'lenet.pth' });
 * model.call(x); // [B, 1, 32, 32] → [B, 10], PyTorch's logits
 * ```
 */
export function loadStateDictFromFile(module: Module, input: Uint8Array | ArrayBuffer, opts: LoadPthOptions & LoadStateDictOptions = {}): LoadStateDictResult {
  const dict = readStateDict(input, opts);
  try {
    return module.loadStateDict(dict, { strict: opts.strict ?? true });
  } finally {
    for (const t of new Set(Object.values(dict))) t.dispose();
  }
}
