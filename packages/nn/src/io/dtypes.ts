import type { DataType } from '@tensorflow/tfjs-core';
import { SafetensorsError } from './safetensors-error.js';

/** The safetensors dtype codes nnkit reads. */
export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U64' | 'U32' | 'U16' | 'U8' | 'BOOL';

/**
 * Bytes per element of each readable dtype.
 *
 * @example
 * ```ts
 * ITEMSIZE.BF16; // 2
 * ```
 */
export const ITEMSIZE: Record<SafetensorsDtype, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1,
};

/**
 * Codes defined by the safetensors format that nnkit cannot hold (8-bit floats, complex...).
 *
 * @example
 * ```ts
 * UNSUPPORTED.has('F8_E4M3'); // true
 * ```
 */
export const UNSUPPORTED = new Set(['F8_E4M3', 'F8_E5M2', 'F8_E8M0', 'F6_E2M3', 'F6_E3M2', 'F4', 'C64', 'C128']);

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A fresh, aligned copy of `bytes` in host byte order for elements of `itemsize` bytes. */
function hostCopy(bytes: Uint8Array, itemsize: number): ArrayBuffer {
  // Uint8Array's own slice: on a Node Buffer, `bytes.slice()` is a view of the whole file.
  const copy = Uint8Array.prototype.slice.call(bytes);
  if (!LITTLE_ENDIAN && itemsize > 1) {
    for (let i = 0; i < copy.length; i += itemsize) copy.subarray(i, i + itemsize).reverse();
  }
  return copy.buffer;
}

function f16ToF32(h: Uint16Array): Float32Array {
  const out = new Float32Array(h.length);
  for (let i = 0; i < h.length; i++) {
    const v = h[i]!;
    const s = v & 0x8000 ? -1 : 1;
    const e = (v >> 10) & 0x1f;
    const m = v & 0x3ff;
    out[i] = e === 0 ? s * m * 2 ** -24 : e === 31 ? (m ? NaN : s * Infinity) : s * (1 + m / 1024) * 2 ** (e - 15);
  }
  return out;
}

/**
 * Decodes little-endian `bytes` of dtype `dt` into values tfjs can hold: floats → float32,
 * integers → int32 (64-bit and U32 values must fit), BOOL → bool.
 *
 * @example
 * ```ts
 * decode('F16', new Uint8Array([0x00, 0x3c]), 'w'); // { values: Float32Array [1], dtype: 'float32' }
 * ```
 */
export function decode(dt: SafetensorsDtype, bytes: Uint8Array, name: string): { values: Float32Array | Int32Array | Uint8Array; dtype: DataType } {
  const buf = hostCopy(bytes, ITEMSIZE[dt]);
  switch (dt) {
    case 'F32': return { values: new Float32Array(buf), dtype: 'float32' };
    case 'F64': return { values: Float32Array.from(new Float64Array(buf)), dtype: 'float32' };
    case 'F16': return { values: f16ToF32(new Uint16Array(buf)), dtype: 'float32' };
    case 'BF16': {
      const src = new Uint16Array(buf);
      const out = new Uint32Array(src.length);
      for (let i = 0; i < src.length; i++) out[i] = src[i]! << 16;
      return { values: new Float32Array(out.buffer), dtype: 'float32' };
    }
    case 'I32': return { values: new Int32Array(buf), dtype: 'int32' };
    case 'I16': return { values: Int32Array.from(new Int16Array(buf)), dtype: 'int32' };
    case 'I8': return { values: Int32Array.from(new Int8Array(buf)), dtype: 'int32' };
    case 'U16': return { values: Int32Array.from(new Uint16Array(buf)), dtype: 'int32' };
    case 'U8': return { values: Int32Array.from(new Uint8Array(buf)), dtype: 'int32' };
    case 'BOOL': return { values: Uint8Array.from(new Uint8Array(buf), (v) => (v ? 1 : 0)), dtype: 'bool' };
    case 'U32': {
      const u = new Uint32Array(buf);
      for (let i = 0; i < u.length; i++) {
        if (u[i]! > 0x7fffffff) throw new SafetensorsError('int_out_of_range', `U32 value ${u[i]} at index ${i} does not fit in int32`, name);
      }
      return { values: new Int32Array(buf), dtype: 'int32' };
    }
    case 'I64':
    case 'U64': {
      // Pairs of 32-bit words (low, high); the value fits in int32 iff high is the sign extension of low.
      if (!LITTLE_ENDIAN) {
        const big = dt === 'I64' ? new BigInt64Array(buf) : new BigUint64Array(buf);
        const res = new Int32Array(big.length);
        big.forEach((v, i) => {
          if (v > 0x7fffffffn || v < -0x80000000n) {
            throw new SafetensorsError('int_out_of_range', `${dt} value ${v} at index ${i} does not fit in int32`, name);
          }
          res[i] = Number(v);
        });
        return { values: res, dtype: 'int32' };
      }
      const w = new Int32Array(buf);
      const out = new Int32Array(w.length / 2);
      for (let i = 0; i < out.length; i++) {
        const lo = w[2 * i]!;
        const hi = w[2 * i + 1]!;
        if (hi !== lo >> 31 || (dt === 'U64' && lo < 0)) {
          const v = dt === 'I64' ? new BigInt64Array(buf, 8 * i, 1)[0] : new BigUint64Array(buf, 8 * i, 1)[0];
          throw new SafetensorsError('int_out_of_range', `${dt} value ${v} at index ${i} does not fit in int32 (tfjs has no 64-bit integers)`, name);
        }
        out[i] = lo;
      }
      return { values: out, dtype: 'int32' };
    }
  }
}
