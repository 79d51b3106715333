import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { missingChromium, missingSharedData, needs, sharedDataDir } from '@nnkit/tooling-testing';
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
    ...(input ? { configFile: false as const } : {}),
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

const shots = fileURLToPath(new URL('../out/screenshots/', import.meta.url));
// The digits and the EEG excerpt are generated into the build from the shared data folder.
const noData = missingSharedData() ?? (existsSync(join(sharedDataDir(), 'bciciv2b', 'B0404E.mat')) ? undefined : `no BCI IV 2b in ${sharedDataDir()}`);

describe('playground in Chromium', () => {
  let server: PreviewServer | undefined;
  let browser: Browser | undefined;
  let url: string | undefined;
  const errors: string[] = [];
  beforeAll(async () => {
    if (noChromium) return;
    mkdirSync(shots, { recursive: true });
    server = await preview({ root, logLevel: 'error', build: { outDir }, preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false } });
    url = server.resolvedUrls?.local[0];
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  async function open(width: number, height: number): Promise<Page> {
    const page = await browser!.newPage({ viewport: { width, height } });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('response', (r) => {
      if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(url!);
    await page.waitForSelector('body[data-state="idle"]', { timeout: 30_000 });
    return page;
  }

  needs(noChromium)('refuses seed -5 with a message and trains nothing', async () => {
    const page = await open(420, 900);
    await page.fill('#seed', '-5');
    await page.click('#train');
    await page.waitForSelector('body[data-input="invalid"]', { timeout: 10_000 });
    expect(await page.textContent('#status')).toMatch(/seed must be an integer from 0 .*got '-5'/);
    expect(await page.getAttribute('body', 'data-state')).toBe('idle');
    await page.close();
  });

  needs(noChromium)('trains the iris MLP on wasm to test accuracy > 0.9 with live curves, confusion matrix and decision boundary; no horizontal scroll at 420 px', async () => {
    const page = await open(420, 900);
    expect(await page.textContent('#backend')).toBe('wasm');
    const t0 = performance.now();
    await page.fill('#epochs', '150');
    await page.fill('#lr', '0.2');
    await page.fill('#seed', '0');
    await page.click('#train');
    await page.waitForSelector('body[data-state="ready"], body[data-state="error"]', { timeout: 90_000 });
    const status = await page.textContent('#status');
    expect(await page.getAttribute('body', 'data-state'), `status: ${status}`).toBe('ready');
    const accuracy = Number(await page.getAttribute('#accuracy', 'data-value'));
    console.log(`playground: iris trained and plotted in ${((performance.now() - t0) / 1000).toFixed(1)} s — ${status}; test accuracy ${accuracy}`);
    expect(accuracy).toBeGreaterThan(0.9);
    for (const id of ['curves', 'confusion', 'boundary']) {
      const marks = await page.locator(`#${id} svg .mark-symbol, #${id} svg .mark-rect, #${id} svg .mark-line`).count();
      expect(marks, `#${id} has Vega marks`).toBeGreaterThan(0);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);
    await page.screenshot({ path: join(shots, 'iris-420px.png'), fullPage: true });

    // Save to IndexedDB, then Load: the same weights give the same test accuracy.
    await page.click('#save');
    await page.waitForFunction(() => document.querySelector('#status')?.textContent?.startsWith('saved to IndexedDB'), undefined, { timeout: 10_000 });
    await page.click('#load');
    await page.waitForFunction(() => document.querySelector('#status')?.textContent?.startsWith('loaded from IndexedDB') && document.body.dataset['busy'] === 'false', undefined, { timeout: 20_000 });
    expect(Number(await page.getAttribute('#accuracy', 'data-value'))).toBe(accuracy);
    await page.close();
  });

  needs(noChromium ?? noData)('trains LeNet on the digits and streams EEG through a trained EEG-TCNet with a live probability bar', async () => {
    const page = await open(1280, 900);
    const t0 = performance.now();
    await page.fill('#digits-epochs', '2');
    await page.click('#digits-train');
    await page.waitForSelector('body[data-digits="done"], body[data-state="error"]', { timeout: 90_000 });
    expect(await page.getAttribute('body', 'data-state'), String(await page.textContent('#status'))).not.toBe('error');
    const digitsAcc = Number(await page.textContent('#digits-accuracy'));
    console.log(`playground: digits in ${((performance.now() - t0) / 1000).toFixed(1)} s — ${await page.textContent('#digits-status')}; accuracy ${digitsAcc}`);
    expect(digitsAcc).toBeGreaterThan(0.5);
    expect(await page.locator('#digits-confusion svg .mark-rect').count()).toBeGreaterThan(0);
    await page.locator('#digits-demo').screenshot({ path: join(shots, 'digits.png') });

    const t1 = performance.now();
    await page.fill('#eeg-epochs', '2');
    await page.click('#eeg-train');
    await page.waitForSelector('body[data-eeg="streaming"]', { timeout: 90_000 });
    await page.waitForTimeout(300);
    const width = await page.evaluate(() => (document.getElementById('eeg-p0') as HTMLElement).style.width);
    expect(width).toMatch(/%$/);
    await page.locator('#eeg-demo').screenshot({ path: join(shots, 'eeg-streaming.png') });
    await page.waitForSelector('body[data-eeg="done"], body[data-state="error"]', { timeout: 90_000 });
    const outputs = Number(await page.getAttribute('#eeg-status', 'data-outputs'));
    console.log(`playground: EEG trained and streamed in ${((performance.now() - t1) / 1000).toFixed(1)} s — ${await page.textContent('#eeg-status')}`);
    expect(outputs).toBeGreaterThan(100);
    await page.screenshot({ path: join(shots, 'playground-1280px.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});
