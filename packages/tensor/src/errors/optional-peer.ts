import { NotSupportedError } from './errors.js';

/**
 * Loads an optional peer dependency (`load` is the caller's own dynamic import of the package, so
 * bundlers and Node resolve it from the caller), turning "module not found" into a
 * {@link NotSupportedError} that names the package to install. Other errors pass through.
 *
 * @example
 * ```ts
 * const vega = await loadOptionalPeer('vega', 'renderSvg', () => import('vega' as string));
 * ```
 */
export async function loadOptionalPeer<T>(pkg: string, where: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const msg = String((e as Error)?.message ?? e);
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /Cannot find (package|module)/.test(msg)) && msg.includes(pkg)) {
      throw new NotSupportedError(where, `needs the optional package '${pkg}', which is not installed (npm install ${pkg})`);
    }
    throw e;
  }
}
