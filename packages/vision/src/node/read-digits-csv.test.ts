// Regression tests for what the CSV fuzz target (tooling/fuzz) found in the digits reader: empty
// fields read as 0, labels and pixels out of range accepted, an uncapped gunzip in the callers.
import { gzipSync } from 'node:zlib';
import { FormatError } from '@nnkit/tensor';
import { describe, expect, it } from 'vitest';
import { parseDigitsCsv } from '../demos/digits.js';
import { readDigitsCsv } from './read-digits-csv.js';

const row = (px: number | string, label: number | string): string => `${Array(64).fill(px).join(',')},${label}`;
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('readDigitsCsv / parseDigitsCsv on hostile input', () => {
  it('reads plain and gzip bytes alike', () => {
    const text = `${row(0, 0)}\n${row(16, 9)}\r\n${row('3.5', 4)}\n`;
    for (const bytes of [enc(text), new Uint8Array(gzipSync(enc(text)))]) {
      const d = readDigitsCsv(bytes, { file: 'd.csv' });
      expect(Array.from(d.labels)).toEqual([0, 9, 4]);
      expect(d.pixels[64 * 2]).toBe(3.5);
    }
  });

  it('an empty field is a FormatError, not a 0 pixel', () => {
    expect(() => parseDigitsCsv(`${','.repeat(64)}\n`, 'e.csv')).toThrow(/^digits-csv: e\.csv: line 1: expected 65 numbers/);
    expect(() => parseDigitsCsv(`${row('0x10', 1)}\n`, 'h.csv')).toThrow(FormatError);
  });

  it('labels outside 0..9 or not integers, and pixels outside 0..16, are FormatErrors naming the line', () => {
    expect(() => parseDigitsCsv(`${row(1, 1)}\n${row(1, 10)}\n`, 'l.csv')).toThrow(/l\.csv: line 2: label 10 is not an integer 0\.\.9/);
    expect(() => parseDigitsCsv(`${row(1, 1.5)}\n`, 'l.csv')).toThrow(/label 1\.5/);
    expect(() => parseDigitsCsv(`${row(1, -1)}\n`, 'l.csv')).toThrow(/label -1/);
    expect(() => parseDigitsCsv(`${row(17, 1)}\n`, 'p.csv')).toThrow(/pixel 1 is 17, expected 0\.\.16/);
    expect(() => parseDigitsCsv(`${row('1e309', 1)}\n`, 'p.csv')).toThrow(/pixel 1 is Infinity/);
  });

  it('a gzip bomb stops at maxBytes with a FormatError (was inflated whole)', () => {
    const bomb = new Uint8Array(gzipSync(new Uint8Array(4 * 2 ** 20)));
    expect(() => readDigitsCsv(bomb, { file: 'b.csv.gz', maxBytes: 2 ** 20 })).toThrow(/^digits-csv: b\.csv\.gz: inflates past maxBytes 1048576/);
  });

  it('corrupt gzip and invalid UTF-8 are FormatErrors naming the file', () => {
    const gz = new Uint8Array(gzipSync(enc(`${row(1, 1)}\n`)));
    expect(() => readDigitsCsv(gz.subarray(0, 20), { file: 't.csv.gz' })).toThrow(/t\.csv\.gz: not a valid gzip stream/);
    expect(() => readDigitsCsv(Uint8Array.from([0x31, 0xff, 0xfe, 0x0a]), { file: 'u.csv' })).toThrow(/u\.csv: not valid UTF-8/);
  });
});
