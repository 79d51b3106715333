import { describe, expect, it } from 'vitest';
import { NotSupportedError } from './errors.js';
import { loadOptionalPeer } from './optional-peer.js';

describe('loadOptionalPeer', () => {
  it('returns the module when it loads', async () => {
    await expect(loadOptionalPeer('node:path', 'test', () => import('node:path'))).resolves.toHaveProperty('join');
  });

  it('names the package to install when it is missing', async () => {
    const missing = 'nnkit-no-such-package-xyz';
    const p = loadOptionalPeer(missing, 'renderSvg', () => import(/* @vite-ignore */ missing));
    await expect(p).rejects.toBeInstanceOf(NotSupportedError);
    await expect(p).rejects.toThrow(`renderSvg: needs the optional package '${missing}', which is not installed (npm install ${missing})`);
  });

  it('passes other errors through', async () => {
    await expect(loadOptionalPeer('x', 'test', () => Promise.reject(new TypeError('boom')))).rejects.toThrow(TypeError);
  });
});
