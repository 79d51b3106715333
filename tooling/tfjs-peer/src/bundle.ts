import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** tfjs-core's package folder (its `dist/` holds the ES modules and the `*_test.js` specs). */
export const tfjsCoreDir = dirname(require.resolve('@tensorflow/tfjs-core/package.json'));
/** The folder with tfjs-backend-wasm's `.wasm` binaries, passed to `setWasmPaths` in the child. */
export const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';

/** Every op spec file shipped in tfjs-core's npm package (`dist/ops/**\/*_test.js`), sorted. */
export function specFiles(): string[] {
  const ops = join(tfjsCoreDir, 'dist/ops');
  return (readdirSync(ops, { recursive: true }) as string[])
    .filter((f) => f.endsWith('_test.js'))
    .sort()
    .map((f) => join(ops, f));
}

/**
 * Bundles `child/entry.ts` with tfjs-core's ES modules, the specs, both backends and @nnkit/tensor
 * (its TypeScript source) into one CommonJS file, so specs, backends and nnkit share one tfjs-core
 * instance (the specs import `../index`; resolving packages by their `module` field makes
 * `@tensorflow/tfjs-core` the same file). tfjs-core's dist is not loadable by Node directly
 * (extension-less imports, a `require` inside an ES module).
 *
 * @returns the path of the bundle
 */
export async function bundleSpecs(outDir: string): Promise<string> {
  const files = specFiles();
  const outfile = resolve(outDir, 'peer-bundle.cjs');
  await build({
    entryPoints: [join(here, 'child/entry.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    mainFields: ['module', 'main'],
    conditions: ['@nnkit/source'],
    nodePaths: [join(here, '../node_modules')],
    logLevel: 'error',
    // tfjs-core's package.json marks its files side-effect free: the specs would be dropped.
    ignoreAnnotations: true,
    plugins: [
      {
        name: 'peer-specs',
        setup(b) {
          b.onResolve({ filter: /^peer:specs$/ }, () => ({ path: 'specs', namespace: 'peer' }));
          b.onLoad({ filter: /.*/, namespace: 'peer' }, () => ({
            contents: files.map((f) => `import ${JSON.stringify(f)};`).join('\n'),
            resolveDir: tfjsCoreDir,
            loader: 'js',
          }));
        },
      },
    ],
  });
  return outfile;
}
