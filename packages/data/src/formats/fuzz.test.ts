import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadFixture } from '@nnkit/tooling-testing';
import { readEdf } from './edf.js';
import { EegFormatError } from './errors.js';
import { readGdf } from './gdf.js';
import { readMat5 } from './mat5.js';
import { readWfdbAnnotations } from './wfdb-annotations.js';

const readers: [string, string, (b: Uint8Array) => unknown][] = [
  ['edf', 'small.edf', (b) => readEdf(b)],
  ['gdf', 'small.gdf', (b) => readGdf(b)],
  ['mat5', 'types_v5.mat', (b) => readMat5(b)],
  ['mat5 compressed', 'types_v5z.mat', (b) => readMat5(b, { maxInflatedBytes: 1 << 20 })],
  ['wfdb', 'small.edf', (b) => readWfdbAnnotations(b.subarray(0, 600))],
];

describe('readers under random truncation and byte flips', () => {
  for (const [name, file, read] of readers) {
    it(`${name}: returns or throws EegFormatError`, () => {
      const good = loadFixture(import.meta.url, file);
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: good.length }),
          fc.array(fc.tuple(fc.nat({ max: good.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
          (cut, flips) => {
            const b = good.slice(0, cut === 0 ? good.length : cut);
            for (const [i, v] of flips) if (i < b.length) b[i] = v;
            try {
              read(b);
            } catch (e) {
              expect(e).toBeInstanceOf(EegFormatError);
            }
          },
        ),
        { numRuns: 150, seed: 42 },
      );
    });
  }
});
