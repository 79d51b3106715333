import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Download } from 'playwright-core';
import { missingChromium, needs } from '@nnkit/tooling-testing';
import { build, createLogger, preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
// A private output folder, so a concurrent `vite build` (turbo's build task) never races this one.
const outDir = mkdtempSync(join(tmpdir(), 'nnkit-playground-'));
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const noChromium = missingChromium(CHROMIUM);
const WASM = ['tfjs-backend-wasm', 'tfjs-backend-wasm-simd', 'tfjs-backend-wasm-threaded-simd'];
const EXTERNALIZED = /externalized for browser compatibility/;

/**
 * Runs a production Vite build, as `vite build` does, and returns the warnings it printed (info
 * lines go nowhere). NODE_ENV is 'production' during the build: under vitest it is 'test', and
 * Vite then resolves Node built-ins without the externalization warning.
 */
async function buildCollectingWarnings(buildRoot: string, out: string, input?: string): Promise<string[]> {
  const env = process.env['NODE_ENV'];
  process.env['NODE_ENV'] = 'production';
  try {
    return await runBuild(buildRoot, out, input);
  } finally {
    process.env['NODE_ENV'] = env;
  }
}

async function runBuild(buildRoot: string, out: string, input?: string): Promise<string[]> {
  const warnings: string[] = [];
  const logger = createLogger('warn');
  logger.warn = (msg) => void warnings.push(msg);
  logger.warnOnce = (msg) => void warnings.push(msg);
  await build({
    root: buildRoot,
    configFile: input ? false : undefined,
    logLevel: 'warn',
    customLogger: logger,
    build: { outDir: out, emptyOutDir: true, ...(input ? { rollupOptions: { input } } : {}) },
  });
  return warnings;
}

let buildWarnings: string[] = [];
beforeAll(async () => {
  const t0 = performance.now();
  buildWarnings = await buildCollectingWarnings(root, outDir);
  console.log(`playground: vite build (${outDir}) in ${((performance.now() - t0) / 1000).toFixed(1)} s, ${buildWarnings.length} warning(s)`);
});

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('playground build', () => {
  it('prints no "externalized for browser compatibility" warning (main entries import no node: module)', () => {
    expect(buildWarnings.filter((w) => EXTERNALIZED.test(w))).toEqual([]);
  });

  it('the warning check sees the warning when a bundled module imports node:fs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnkit-externalized-'));
    try {
      writeFileSync(join(dir, 'index.html'), '<script type="module" src="./main.js"></script>');
      writeFileSync(join(dir, 'main.js'), "import * as fs from 'node:fs';\nconsole.log(Object.keys(fs).length);\n");
      const warnings = await buildCollectingWarnings(dir, join(dir, 'dist'), join(dir, 'index.html'));
      expect(warnings.some((w) => EXTERNALIZED.test(w) && w.includes('node:fs'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('emits index.html and the three tfjs wasm binaries', () => {
    const html = readFileSync(join(outDir, 'index.html'), 'utf8');
    expect(html).toContain('<script type="module"');
    const assets = readdirSync(join(outDir, 'assets'));
    for (const w of WASM) {
      const file = assets.find((f) => new RegExp(`^${w}-[\\w-]{8}\\.wasm$`).test(f));
      expect(file, `${w}.wasm in dist/assets (${assets.join(', ')})`).toBeDefined();
      const bytes = readFileSync(join(outDir, 'assets', file!));
      expect([...bytes.subarray(0, 4)]).toEqual([0x00, 0x61, 0x73, 0x6d]); // "\0asm"
    }
  });
});

describe('playground in Chromium', () => {
  let server: PreviewServer | undefined;
  afterAll(async () => {
    await server?.close();
  });

  needs(noChromium)('trains the iris MLP on wasm, renders the plots, saves and loads (IndexedDB, downloads + file picker)', async () => {
    server = await preview({ root, logLevel: 'error', build: { outDir }, preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false } });
    const url = server.resolvedUrls?.local[0];
    expect(url).toBeDefined();
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('response', (r) => {
        if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
      });
      await page.goto(url!);
      await page.waitForSelector('body[data-state="idle"]', { timeout: 30_000 });
      expect(await page.textContent('#backend')).toBe('wasm');

      const t0 = performance.now();
      await page.click('#train');
      await page.waitForSelector('body[data-state="ready"], body[data-state="error"]', { timeout: 90_000 });
      const trainS = (performance.now() - t0) / 1000;
      const status = await page.textContent('#status');
      expect(await page.getAttribute('body', 'data-state'), `status: ${status}`).toBe('ready');
      const accuracy = Number(await page.getAttribute('#accuracy', 'data-value'));
      console.log(`playground: trained and plotted in Chromium in ${trainS.toFixed(1)} s — ${status}; test accuracy ${accuracy}`);
      expect(accuracy).toBeGreaterThanOrEqual(0.8);
      for (const id of ['curves', 'confusion', 'boundary']) {
        const marks = await page.locator(`#${id} svg .mark-symbol, #${id} svg .mark-rect, #${id} svg .mark-line`).count();
        expect(marks, `#${id} has Vega marks`).toBeGreaterThan(0);
      }
      expect(await page.textContent('#curves svg.marks')).toContain('dev accuracy');
      await page.screenshot({ path: '/tmp/playground.png', fullPage: true });

      // Save to IndexedDB, then Load: the same weights give the same test accuracy, and the
      // training curves come back from the saved metadata.
      await page.click('#save');
      await page.waitForFunction(() => document.querySelector('#status')?.textContent?.startsWith('saved to IndexedDB'), undefined, { timeout: 10_000 });
      await page.evaluate(() => document.querySelector('#curves')!.replaceChildren());
      await page.click('#load');
      await page.waitForFunction(() => document.querySelector('#status')?.textContent?.startsWith('loaded from IndexedDB') && document.body.dataset['busy'] === 'false', undefined, { timeout: 20_000 });
      expect(Number(await page.getAttribute('#accuracy', 'data-value'))).toBe(accuracy);
      expect(await page.locator('#curves svg.marks').count()).toBe(1);

      // Save as downloads (downloadStorage), then load the two files through the file picker.
      await page.selectOption('#target', 'download');
      const downloads: Download[] = [];
      page.on('download', (d) => downloads.push(d));
      await page.click('#save');
      await expect.poll(() => downloads.length, { timeout: 10_000 }).toBe(2);
      const files = await Promise.all(
        downloads.map(async (d) => {
          const path = join(outDir, d.suggestedFilename());
          await d.saveAs(path);
          return path;
        }),
      );
      expect(files.map((f) => f.slice(outDir.length + 1)).sort()).toEqual(['iris-mlp.json', 'iris-mlp.safetensors']);
      await page.setInputFiles('#files', files);
      await page.waitForFunction(() => document.body.dataset['busy'] === 'false', undefined, { timeout: 20_000 });
      expect(await page.textContent('#status')).toMatch(/^loaded from files: iris-mlp \(saved /);
      expect(Number(await page.getAttribute('#accuracy', 'data-value'))).toBe(accuracy);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
