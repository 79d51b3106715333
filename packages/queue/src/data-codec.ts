import { FormatError } from '@nnkit/tensor';

const TYPED = {
  Float32Array,
  Float64Array,
  Int8Array,
  Int16Array,
  Int32Array,
  Uint8Array,
  Uint8ClampedArray,
  Uint16Array,
  Uint32Array,
} as const;
type TypedName = keyof typeof TYPED;
const TAG = '$nnkitTyped';

function toBase64(bytes: Uint8Array): string {
  const B = (globalThis as { Buffer?: { from(b: Uint8Array): { toString(enc: string): string } } }).Buffer;
  if (B) return B.from(bytes).toString('base64');
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(text: string): Uint8Array {
  const B = (globalThis as { Buffer?: { from(t: string, enc: string): Uint8Array } }).Buffer;
  if (B) return new Uint8Array(B.from(text, 'base64'));
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/**
 * Serialises a search's shared data for the queue: JSON, with typed arrays (`Float32Array` EEG
 * trials, label arrays…) kept bit-exact as base64. The inverse is {@link decodeData}.
 *
 * @example
 * ```ts
 * decodeData(encodeData({ x: new Float32Array([0.1]), n: 1 })); // { x: Float32Array [0.1], n: 1 }
 * ```
 */
export function encodeData(value: unknown): string {
  return JSON.stringify(value ?? null, (_k, v: unknown) => {
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const name = v.constructor.name as TypedName;
      if (!(name in TYPED)) return v;
      return { [TAG]: name, b64: toBase64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
    }
    return v;
  });
}

/** Parses what {@link encodeData} wrote; a malformed text is a `FormatError`. */
export function decodeData(text: string, source = '<queue data>'): unknown {
  try {
    return JSON.parse(text, (_k, v: unknown) => {
      if (v !== null && typeof v === 'object' && TAG in v) {
        const { [TAG]: name, b64 } = v as Record<string, unknown>;
        const Ctor = TYPED[name as TypedName];
        if (!Ctor || typeof b64 !== 'string') throw new FormatError('queue-data', source, `bad typed-array entry ${String(name)}`);
        const bytes = fromBase64(b64);
        if (bytes.byteLength % Ctor.BYTES_PER_ELEMENT) throw new FormatError('queue-data', source, `${String(name)} of ${bytes.byteLength} bytes`);
        const copy = new Uint8Array(bytes); // aligned
        return new Ctor(copy.buffer, 0, bytes.byteLength / Ctor.BYTES_PER_ELEMENT);
      }
      return v;
    });
  } catch (e) {
    if (e instanceof FormatError) throw e;
    throw new FormatError('queue-data', source, `not JSON: ${(e as Error).message}`, { cause: e });
  }
}
