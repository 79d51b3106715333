import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';

// The digits and the BCI IV 2b excerpt are generated from ../shared/data into public/data/
// (ignored by git) the first time; Vite serves them in dev and copies them into dist/.
const here = fileURLToPath(new URL('.', import.meta.url));
if (!existsSync(`${here}public/data/eeg-2b-s4.json`) || !existsSync(`${here}public/data/digits.csv`)) {
  try {
    execFileSync(process.execPath, ['--conditions=@nnkit/source', '--import', 'tsx', 'scripts/make-data.ts'], { cwd: here, stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (e) {
    console.warn(`playground: could not generate public/data (${(e as Error).message.split('\n')[0]})`);
  }
}

// Resolve the workspace packages to their TypeScript sources (the `@nnkit/source` export
// condition), so the playground needs no build of the packages first. The tfjs wasm binaries
// are imported with `?url` in src/wasm.ts: Vite serves them in dev and emits them into dist/assets.
export default defineConfig({
  resolve: { conditions: ['@nnkit/source', ...defaultClientConditions] },
  build: { target: 'es2022', chunkSizeWarningLimit: 8192 },
  esbuild: { target: 'es2022' },
  optimizeDeps: { esbuildOptions: { target: 'es2022' } },
});
