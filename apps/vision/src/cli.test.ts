import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const vision = fileURLToPath(new URL('./vision.ts', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'vision-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--conditions=@nnkit/source', '--import', 'tsx', vision, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' }, timeout: 90_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const noTrace = (s: string): void => expect(s).not.toMatch(/\n\s+at /);

describe('pnpm vision: command line', () => {
  it('--help lists the commands and exits 0', () => {
    const r = run('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/summary\|classify\|digits\|bench/);
  });
  it('classify --help exits 0', () => {
    expect(run('classify', '--help').status).toBe(0);
  });
  it('an unknown command or flag is a usage error, exit 2', () => {
    expect(run('segment').status).toBe(2);
    const r = run('bench', '--bogus');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^vision bench: Unknown option '--bogus'\nusage: pnpm vision bench/);
  });
  it('a bad value names the flag', () => {
    const r = run('summary', 'resnet50');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--model must be one of inception_v3\|lenet/);
  });
  it('summary lenet prints the torchsummary table and --json totals on the last line', () => {
    const r = run('summary', 'lenet', '--json');
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/Total params: 61,706/);
    const last = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { totalParams: number };
    expect(last.totalParams).toBe(61706);
  });
  it('a missing image file is named', () => {
    const w = join(tmp, 'w.safetensors');
    writeFileSync(w, Buffer.alloc(16));
    const r = run('classify', '--weights', w, join(tmp, 'cat.jpg'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^vision classify: image file not found: .*cat\.jpg\n$/);
  });
  it('a corrupt weights file is one clear line', () => {
    const w = join(tmp, 'corrupt.pth');
    writeFileSync(w, Buffer.from('PK\u0003\u0004 not really a zip archive'));
    const img = join(tmp, 'x.png');
    writeFileSync(img, Buffer.alloc(8));
    const r = run('classify', '--weights', w, img);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('corrupt.pth');
    noTrace(r.stderr);
  });
});
