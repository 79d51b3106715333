import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const bci = fileURLToPath(new URL('./bci.ts', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'bci-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--conditions=@nnkit/source', '--import', 'tsx', bci, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' }, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const noTrace = (s: string): void => expect(s).not.toMatch(/\n\s+at /);

/** A MAT 5 file cut short: a valid 128-byte header, then a matrix element promising 4096 bytes. */
function truncatedMat(path: string): void {
  const b = Buffer.alloc(136);
  b.write('MATLAB 5.0 MAT-file, truncated for a test', 0, 'latin1');
  b.fill(0x20, 41, 116);
  b.writeUInt16LE(0x0100, 124);
  b.write('IM', 126, 'latin1');
  b.writeUInt32LE(14, 128); // miMATRIX
  b.writeUInt32LE(4096, 132);
  writeFileSync(path, b);
}

describe('pnpm bci: command line', () => {
  it('--help prints the commands and exits 0', () => {
    const r = run('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/usage: pnpm bci <train\|stream\|search>/);
  });
  it('train --help prints the flags and exits 0', () => {
    const r = run('train', '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/--dataset/);
  });
  it('an unknown flag is one usage line and exit 2, no stack trace', () => {
    const r = run('train', '--bogus');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^bci train: Unknown option '--bogus'/);
    expect(r.stderr).toMatch(/usage: pnpm bci train/);
    noTrace(r.stderr);
  });
  it('a bad value is a usage error naming the flag', () => {
    const r = run('train', '--model', 'resnet', '--epochs', '3');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--model must be one of eegtcnet\|eegnet\|eeg-inception-tcn, got 'resnet'/);
  });
  it('an empty data folder names the missing files and the folder', () => {
    const dir = join(tmp, 'empty');
    mkdirSync(dir);
    const r = run('train', '--data-dir', dir, '--epochs', '1');
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('missing B0101T.mat');
    expect(r.stderr).toContain(dir);
    noTrace(r.stderr);
  });
  it('a truncated .mat is one line naming the file', () => {
    const dir = join(tmp, 'truncated');
    mkdirSync(dir);
    for (const f of ['B0101T.mat', 'B0102T.mat', 'B0103T.mat', 'B0104E.mat', 'B0105E.mat']) truncatedMat(join(dir, f));
    const r = run('train', '--data-dir', dir, '--epochs', '1');
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(join(dir, 'B0101T.mat'));
    noTrace(r.stderr);
  });
  it('stream without --model is a usage error; a missing model file is named', () => {
    expect(run('stream').status).toBe(2);
    const r = run('stream', '--model', join(tmp, 'nope.safetensors'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/model file not found: .*nope\.safetensors/);
  });
  it('stream with a corrupt model file is one line', () => {
    const f = join(tmp, 'bad.safetensors');
    writeFileSync(f, Buffer.from([200, 0, 0, 0, 0, 0, 0, 0, 123, 34]));
    const r = run('stream', '--model', f);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    noTrace(r.stderr);
  });
});
