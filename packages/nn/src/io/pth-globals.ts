import type { SafetensorsDtype } from './dtypes.js';

/**
 * The globals a checkpoint's pickle may reference, and nothing else. None of them is executed:
 * each maps to a small JavaScript rebuild function in the unpickler. Any other global
 * (`os.system`, `builtins.eval`, `__builtin__.exec`, a user class…) is refused by name.
 *
 * @example
 * ```ts
 * PTH_GLOBALS.includes('torch._utils._rebuild_tensor_v2'); // true
 * PTH_GLOBALS.includes('os.system');                       // false: readPth throws PthError
 * ```
 */
export const PTH_GLOBALS: readonly string[] = [
  'collections.OrderedDict',
  'torch._utils._rebuild_tensor',
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_parameter',
  'torch._utils._rebuild_parameter_with_state',
  'torch.FloatStorage',
  'torch.DoubleStorage',
  'torch.HalfStorage',
  'torch.BFloat16Storage',
  'torch.LongStorage',
  'torch.IntStorage',
  'torch.ShortStorage',
  'torch.CharStorage',
  'torch.ByteStorage',
  'torch.BoolStorage',
  'torch.Size',
  '_codecs.encode',
  'builtins.set',
  'builtins.frozenset',
  '__builtin__.set',
  '__builtin__.frozenset',
];

/** Storage class → safetensors dtype code used to decode it (same narrowing as safetensors). */
export const STORAGE_DTYPES: Readonly<Record<string, SafetensorsDtype>> = {
  FloatStorage: 'F32',
  DoubleStorage: 'F64',
  HalfStorage: 'F16',
  BFloat16Storage: 'BF16',
  LongStorage: 'I64',
  IntStorage: 'I32',
  ShortStorage: 'I16',
  CharStorage: 'I8',
  ByteStorage: 'U8',
  BoolStorage: 'BOOL',
};

/** Storage classes PyTorch defines that nnkit cannot hold (refused with `unsupported_dtype`). */
export const UNSUPPORTED_STORAGES: ReadonlySet<string> = new Set([
  'ComplexFloatStorage',
  'ComplexDoubleStorage',
  'QInt8Storage',
  'QUInt8Storage',
  'QInt32Storage',
  'QUInt4x2Storage',
  'QUInt2x4Storage',
  'UntypedStorage',
]);
