import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@nnkit/tensor';
import { readFixture, sharedDataDir, needs, missingSharedData } from '@nnkit/tooling-testing';
import { EegFormatError } from './errors.js';
import { readWfdbAnnotations } from './wfdb-annotations.js';
import { readWfdbAnnotationsFile } from '../node/read-files.js';

const S001 = join(sharedDataDir(), 'eegmmidb', 'S001');

/** Builds annotation bytes from 16-bit words and raw byte chunks. */
function build(parts: (number | number[])[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'number') out.push(p & 0xff, p >> 8);
    else out.push(...p);
  }
  return new Uint8Array(out);
}

describe('WFDB/MIT annotation reader', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('decodes codes, SKIP, NUM, SUB, CHN and AUX', () => {
    const aux = [...new TextEncoder().encode('T1 duration: 4.1'), 0].slice(0, 16);
    const bytes = build([
      (1 << 10) | 5, // N at 5
      (61 << 10) | 3, // SUB 3
      (62 << 10) | 2, // CHN 2
      (60 << 10) | 7, // NUM 7
      (59 << 10), 0x0000, 0x0400, // SKIP +1024 (high word 0, low word 1024)
      (22 << 10) | 10, (63 << 10) | 16, aux, // NOTE at 5+1024+10 with aux
      (5 << 10) | 1, // V at +1, inherits chan/num
      0,
    ]);
    const r = readWfdbAnnotations(bytes, { sampleRate: 100 });
    expect(r.annotations.map((a) => [a.sample, a.code, a.symbol, a.subtype, a.chan, a.num])).toEqual([
      [5, 1, 'N', 3, 2, 7], [1039, 22, '"', 0, 2, 7], [1040, 5, 'V', 0, 2, 7],
    ]);
    expect(r.events[1]).toEqual({ onset: 10.39, duration: 4.1, description: 'T1', code: 22 });
  });

  it('rejects an AUX or SKIP running past the end', () => {
    expect(() => readWfdbAnnotations(build([(1 << 10) | 1, (63 << 10) | 40, [65, 66]]), { file: 'x.event' })).toThrow(EegFormatError);
    expect(() => readWfdbAnnotations(build([(59 << 10), 0x0001]))).toThrow(/SKIP/);
  });

  needs(missingSharedData())('matches the numpy decoder on EEGMMIDB S001 (run 04: 15 T0, 8 T1, 7 T2)', async () => {
    const fx = readFixture(import.meta.url, 'wfdb_events');
    const cfg = fx.config<Record<string, { fs: number; descriptions: string[]; durations: number[]; codes: number[] }>>();
    for (const [run, c] of Object.entries(cfg)) {
      const r = await readWfdbAnnotationsFile(join(S001, `${run}.edf.event`));
      expect(r.sampleRate).toBe(c.fs);
      expect(r.annotations.map((a) => a.sample)).toEqual(Array.from(fx.get(`out.${run}.samples`).dataSync()));
      expect(r.events.map((e) => e.description)).toEqual(c.descriptions);
      expect(r.events.map((e) => e.duration)).toEqual(c.durations);
      expect(r.annotations.map((a) => a.code)).toEqual(c.codes);
    }
    const r4 = await readWfdbAnnotationsFile(join(S001, 'S001R04.edf.event'));
    const count = (d: string): number => r4.events.filter((e) => e.description === d).length;
    expect([r4.events.length, count('T0'), count('T1'), count('T2')]).toEqual([30, 15, 8, 7]);
    expect(r4.events.slice(0, 3).map((e) => e.onset)).toEqual([0, 4.2, 8.3]);
    fx.dispose();
  });
});
