import { defaultClientConditions, defineConfig } from 'vite';

// Resolve the workspace packages to their TypeScript sources (the `@nnkit/source` export
// condition), so the playground needs no build of the packages first. The tfjs wasm binaries
// are imported with `?url` in src/wasm.ts: Vite serves them in dev and emits them into dist/assets.
export default defineConfig({
  resolve: { conditions: ['@nnkit/source', ...defaultClientConditions] },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  esbuild: { target: 'es2022' },
  optimizeDeps: { esbuildOptions: { target: 'es2022' } },
});
