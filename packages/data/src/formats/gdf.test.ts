import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@nnkit/tensor';
import { assertClose, loadFixture, readFixture, sharedDataDir, needs, missingSharedData, firstMissing } from '@nnkit/tooling-testing';
import { readEdf } from './edf.js';
import { readEdfFile } from '../node/read-files.js';
import { EegFormatError } from './errors.js';
import { readGdf } from './gdf.js';
import { rawToArray } from './raw.js';

const save2gdf = ['/usr/bin/save2gdf', '/usr/local/bin/save2gdf'].find((p) => existsSync(p));

describe('GDF reader', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('reads the committed save2gdf conversion of small.edf (same samples and events)', () => {
    const gdf = readGdf(loadFixture(import.meta.url, 'small.gdf'), { file: 'small.gdf' });
    const edf = readEdf(loadFixture(import.meta.url, 'small.edf'));
    const fx = readFixture(import.meta.url, 'gdf_small');
    const cfg = fx.config<{ labels: string[]; events: [number, number, string][] }>();
    expect(gdf.meta.version).toBeGreaterThanOrEqual(2);
    expect(gdf.channels.map((c) => c.label)).toEqual(cfg.labels);
    expect(gdf.sampleRate).toBe(160);
    assertClose(rawToArray(gdf).data, rawToArray(edf).data, { atol: 1e-4, rtol: 0, name: 'gdf vs edf' });
    assertClose(rawToArray(gdf).data, fx.get('out.signals').dataSync(), { atol: 1e-3, rtol: 1e-5 });
    expect(gdf.events.map((e) => [e.onset, e.duration, e.description])).toEqual(cfg.events);
    fx.dispose();
  });

  needs(firstMissing(missingSharedData(), save2gdf ? undefined : 'no save2gdf (Debian biosig-tools)'))('reads back a save2gdf conversion of S001R04.edf', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnkit-gdf-'));
    try {
      const src = join(sharedDataDir(), 'eegmmidb', 'S001', 'S001R04.edf');
      execFileSync(save2gdf!, ['-f=GDF', src, join(dir, 'r04.gdf')], { stdio: 'ignore' });
      const gdf = readGdf(new Uint8Array(readFileSync(join(dir, 'r04.gdf'))), { file: 'r04.gdf' });
      const edf = await readEdfFile(src);
      expect(gdf.channels.length).toBe(64);
      expect(gdf.signals[0]!.length).toBe(20000);
      assertClose(rawToArray(gdf).data, rawToArray(edf).data, { atol: 1e-4, rtol: 0, name: 'S001R04 gdf vs edf' });
      expect(gdf.events.map((e) => [e.onset, e.duration, e.description])).toEqual(edf.events.map((e) => [e.onset, e.duration, e.description]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects malformed files with EegFormatError', () => {
    const good = loadFixture(import.meta.url, 'small.gdf');
    const set = (o: number, f: (v: DataView) => void): Uint8Array => { const c = good.slice(); f(new DataView(c.buffer)); return c; };
    const cases: [string, Uint8Array, RegExp][] = [
      ['truncated header', good.slice(0, 100), /256 bytes/],
      ['wrong magic', set(0, (v) => v.setUint8(0, 0x48)), /not a GDF/],
      ['header past end', set(0, (v) => v.setUint16(184, 60000, true)), /past the end|shorter/],
      ['absurd records', set(0, (v) => v.setBigInt64(236, 10n ** 12n, true)), /data records/],
      ['negative records', set(0, (v) => v.setBigInt64(236, -7n, true)), /invalid/],
      ['truncated data', good.slice(0, 2000), /truncated|past the end/],
      ['bad type', set(0, (v) => v.setUint32(256 + 220 * v.getUint16(252, true), 99, true)), /data type/],
    ];
    for (const [name, bytes, re] of cases) {
      let err: unknown;
      try { readGdf(bytes, { file: 'bad.gdf' }); } catch (e) { err = e; }
      expect(err, name).toBeInstanceOf(EegFormatError);
      expect((err as Error).message, name).toMatch(re);
    }
  });
});
