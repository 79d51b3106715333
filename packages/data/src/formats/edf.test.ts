import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@nnkit/tensor';
import { assertClose, loadFixture, readFixture, sharedDataDir, needs, missingSharedData } from '@nnkit/tooling-testing';
import { readEdf } from './edf.js';
import { readEdfFile } from '../node/read-files.js';
import { parseTals } from './edf-annotations.js';
import { EegFormatError } from './errors.js';
import { rawToArray } from './raw.js';

const S001 = join(sharedDataDir(), 'eegmmidb', 'S001');
interface RunCfg {
  nChannels: number; nTimes: number; sfreq: number; labels: string[]; sum: number[]; abssum: number[];
  annotations: [number, number, string][]; headRows: number[]; headStart: number; headStop: number;
}

describe('EDF/EDF+ reader', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('parses TALs with durations, several texts and the time-keeping entry', () => {
    const enc = new TextEncoder();
    const r = parseTals(enc.encode('+12.5\x14\x14\x00+13\x151.5\x14T1\x14second\x14\x00+14\x14Ünï\x14\x00\x00\x00'));
    expect(r.recordOnset).toBe(12.5);
    expect(r.events).toEqual([
      { onset: 13, duration: 1.5, description: 'T1' },
      { onset: 13, duration: 1.5, description: 'second' },
      { onset: 14, duration: 0, description: 'Ünï' },
    ]);
  });

  it('reads a small EDF+C with its annotation channel', () => {
    const raw = readEdf(loadFixture(import.meta.url, 'small.edf'), { file: 'small.edf' });
    const fx = readFixture(import.meta.url, 'gdf_small');
    const cfg = fx.config<{ labels: string[]; events: [number, number, string][] }>();
    expect(raw.channels.map((c) => c.label)).toEqual(cfg.labels);
    expect(raw.sampleRate).toBe(160);
    expect(raw.meta.format).toBe('EDF+C');
    expect(raw.meta.recordOnsets).toEqual([0, 1, 2, 3, 4, 5]);
    expect(raw.events.map((e) => [e.onset, e.duration, e.description])).toEqual(cfg.events);
    assertClose(rawToArray(raw).data, fx.get('out.signals').dataSync(), { atol: 1e-3, rtol: 1e-5, name: 'small.edf' });
    fx.dispose();
  });

  needs(missingSharedData())('matches MNE on EEGMMIDB S001 (within the quantisation step)', async () => {
    const fx = readFixture(import.meta.url, 'edf_mne');
    const runs = fx.config<{ runs: Record<string, RunCfg> }>().runs;
    for (const [run, cfg] of Object.entries(runs)) {
      const raw = await readEdfFile(join(S001, `${run}.edf`));
      expect(raw.channels.length).toBe(cfg.nChannels);
      expect((raw.meta.signalHeaders as unknown[]).length).toBe(cfg.nChannels + 1);
      expect(raw.sampleRate).toBe(cfg.sfreq);
      expect(raw.signals[0]!.length).toBe(cfg.nTimes);
      expect(raw.channels.map((c) => c.label)).toEqual(cfg.labels);
      expect(raw.events.map((e) => [e.onset, e.duration, e.description])).toEqual(cfg.annotations);
      const head = cfg.headRows.map((r) => Array.from(raw.signals[r]!.subarray(cfg.headStart, cfg.headStop))).flat();
      const step = (raw.channels[0]!.physicalMax - raw.channels[0]!.physicalMin) / (raw.channels[0]!.digitalMax - raw.channels[0]!.digitalMin);
      assertClose(head, fx.get(`out.${run}.head`).dataSync(), { atol: step / 2, rtol: 0, name: `${run} head` });
      const sums = raw.signals.map((s) => s.reduce((a, b) => a + b, 0));
      const abs = raw.signals.map((s) => s.reduce((a, b) => a + Math.abs(b), 0));
      assertClose(sums, cfg.sum, { atol: 1e-3 * cfg.nTimes * step, rtol: 1e-6, name: `${run} sums` });
      assertClose(abs, cfg.abssum, { atol: 1e-3 * cfg.nTimes * step, rtol: 1e-6, name: `${run} |sums|` });
      assertClose(raw.signals.map((s) => s[s.length - 1]!), fx.get(`out.${run}.last`).dataSync(), { atol: step / 2, rtol: 0 });
    }
    fx.dispose();
  });

  needs(missingSharedData())('loads all 14 runs of S001 (run 04: 20,000 samples)', async () => {
    for (let run = 1; run <= 14; run++) {
      const name = `S001R${String(run).padStart(2, '0')}.edf`;
      const raw = await readEdfFile(join(S001, name));
      expect(raw.channels.length, name).toBe(64);
      expect(raw.sampleRate).toBe(160);
      if (run === 4) expect(raw.signals[0]!.length).toBe(20000);
    }
  });

  it('rejects malformed headers with EegFormatError', () => {
    const good = loadFixture(import.meta.url, 'small.edf');
    const cases: [string, (b: Uint8Array) => Uint8Array, RegExp][] = [
      ['truncated header', (b) => b.slice(0, 100), /256 bytes/],
      ['wrong version', (b) => { const c = b.slice(); c[0] = 0x39; return c; }, /not an EDF/],
      ['header past end', (b) => b.slice(0, 600), /truncated/],
      ['absurd records', (b) => { const c = b.slice(); c.set(new TextEncoder().encode('99999999'), 236); return c; }, /data records/],
      ['negative signals', (b) => { const c = b.slice(); c.set(new TextEncoder().encode('-5  '), 252); return c; }, /signals/],
      ['header byte count', (b) => { const c = b.slice(); c.set(new TextEncoder().encode('1280    '), 184); return c; }, /header byte count/],
      ['truncated data', (b) => b.slice(0, b.length - 7), /truncated/],
      ['not a number', (b) => { const c = b.slice(); c.set(new TextEncoder().encode('abc     '), 236); return c; }, /not a number/],
    ];
    for (const [name, mutate, re] of cases) {
      let err: unknown;
      try { readEdf(mutate(good), { file: 'bad.edf' }); } catch (e) { err = e; }
      expect(err, name).toBeInstanceOf(EegFormatError);
      expect((err as EegFormatError).file).toBe('bad.edf');
      expect((err as EegFormatError).format).toBe('edf');
      expect((err as Error).message, name).toMatch(re);
    }
  });
});
