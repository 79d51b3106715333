// Builds nnkit's wasm SIMD kernels from their WebAssembly text sources (src/kernels/simd/*.wat)
// with wabt's wat2wasm (the `wabt` npm package, version pinned in the workspace catalog) and writes
// each binary, base64-encoded with its SHA-256, to a `*-binary.ts` module beside its source.
// `--check` writes nothing and exits 1 when a committed binary differs from a fresh build (the
// binary's provenance; the tensor package's tests run the same check).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { binaryModuleText, buildWat } from './wat.mjs';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'kernels', 'simd');
const check = process.argv.includes('--check');
let stale = 0;
for (const name of readdirSync(dir).filter((f) => f.endsWith('.wat')).sort()) {
  const bytes = await buildWat(name, readFileSync(join(dir, name), 'utf8'));
  const out = join(dir, name.replace(/\.wat$/, '-binary.ts'));
  const text = binaryModuleText(name, bytes);
  let current = '';
  try {
    current = readFileSync(out, 'utf8');
  } catch {
    current = '';
  }
  if (current === text) {
    console.log(`${name}: ${bytes.length} bytes, up to date`);
  } else if (check) {
    console.error(`${name}: ${out} differs from a fresh build; run \`pnpm --filter @nnkit/tensor build:wasm\``);
    stale++;
  } else {
    writeFileSync(out, text);
    console.log(`${name}: ${bytes.length} bytes -> ${out}`);
  }
}
process.exit(stale === 0 ? 0 : 1);
