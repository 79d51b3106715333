import { ArgumentError, StateError } from '@nnkit/tensor';
/** A chunk of samples: `Float32Array` (channels × n, channel-major) or one `number[]` row per channel. */
export type StreamChunk = Float32Array | readonly (readonly number[])[];

function nonFinite(v: number, c: number, i: number, at: number): ArgumentError {
  return new ArgumentError('EegStream.push', `non-finite value ${v} at channel ${c}, sample ${i} of the chunk (sample ${at + i} of the stream); clean or interpolate it first`);
}

/**
 * Validates a chunk and returns it channel-major (`[C, n]` flattened).
 * @param at samples received before this chunk (for the error messages).
 * @throws Error on a wrong channel count, ragged rows or NaN/±Infinity.
 * Package-private (not exported from the package entry).
 */
export function toChannelMajor(chunk: StreamChunk, channels: number, at: number): Float32Array {
  if (chunk instanceof Float32Array) {
    if (chunk.length % channels !== 0) {
      throw new ArgumentError('EegStream.push',
        `a Float32Array chunk holds channels × n values (channel-major) for ${channels} channels; got ${chunk.length} values, not a multiple of ${channels}`,
      );
    }
    const n = chunk.length / channels;
    for (let k = 0; k < chunk.length; k++) {
      const v = chunk[k]!;
      if (!Number.isFinite(v)) throw nonFinite(v, Math.floor(k / n), k % n, at);
    }
    return chunk;
  }
  if (!Array.isArray(chunk)) {
    throw new ArgumentError('EegStream.push', 'a chunk is a Float32Array (channels × n, channel-major) or number[][] (one row per channel)');
  }
  if (chunk.length !== channels) {
    throw new ArgumentError('EegStream.push', `expected ${channels} channel rows, got ${chunk.length} (a number[][] chunk is [channels][samples])`);
  }
  const n = chunk[0]!.length;
  const out = new Float32Array(channels * n);
  chunk.forEach((row, c) => {
    if (!Array.isArray(row) || row.length !== n) {
      throw new ArgumentError('EegStream.push', `every channel row must have the same length; row 0 has ${n} samples, row ${c} has ${Array.isArray(row) ? row.length : typeof row}`);
    }
    for (let i = 0; i < n; i++) {
      const v = row[i] as number;
      if (typeof v !== 'number' || !Number.isFinite(v)) throw nonFinite(v, c, i, at);
      out[c * n + i] = v;
    }
  });
  return out;
}

/** Growing per-channel sample store addressed by absolute sample index. Package-private. */
export class SampleBuffer {
  private data: Float32Array;
  private cap = 0;
  /** Absolute index of the first stored sample. */
  private base = 0;
  private len = 0;

  constructor(private readonly channels: number) {
    this.data = new Float32Array(0);
  }

  /** Samples received since the start (or the last reset). */
  get received(): number {
    return this.base + this.len;
  }

  /** Appends a channel-major `[C, n]` block. */
  append(block: Float32Array): void {
    const n = block.length / this.channels;
    if (this.len + n > this.cap) {
      const cap = Math.max(2 * this.cap, this.len + n, 256);
      const next = new Float32Array(this.channels * cap);
      for (let c = 0; c < this.channels; c++) next.set(this.data.subarray(c * this.cap, c * this.cap + this.len), c * cap);
      this.data = next;
      this.cap = cap;
    }
    for (let c = 0; c < this.channels; c++) this.data.set(block.subarray(c * n, (c + 1) * n), c * this.cap + this.len);
    this.len += n;
  }

  /** Samples `[a, b]` (absolute, inclusive) as channel-major `[C, b − a + 1]`. */
  read(a: number, b: number): Float32Array {
    const n = b - a + 1;
    const o = a - this.base;
    if (o < 0 || o + n > this.len) throw new StateError('SampleBuffer', `samples ${a}..${b} are not buffered`);
    const out = new Float32Array(this.channels * n);
    for (let c = 0; c < this.channels; c++) out.set(this.data.subarray(c * this.cap + o, c * this.cap + o + n), c * n);
    return out;
  }

  /** Drops the samples before absolute index `t`. */
  discardBefore(t: number): void {
    const k = Math.min(Math.max(0, t - this.base), this.len);
    if (k === 0) return;
    for (let c = 0; c < this.channels; c++) this.data.copyWithin(c * this.cap, c * this.cap + k, c * this.cap + this.len);
    this.base += k;
    this.len -= k;
  }

  reset(): void {
    this.base = 0;
    this.len = 0;
  }
}
