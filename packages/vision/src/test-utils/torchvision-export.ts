// Test helper (not exported): runs export_torchvision.py once into packages/vision/.cache/inception.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const PY = '/usr/bin/python3';
/** The ignored cache folder of the export. */
export const CACHE = resolve(here, '..', '..', '.cache', 'inception');
const REFERENCE = process.env.NNKIT_SHARED_REFERENCE ?? resolve(here, '..', '..', '..', '..', '..', 'shared', 'reference');

/** Why the torchvision export cannot run here, or null when it can. */
export function torchvisionMissing(): string | null {
  if (!existsSync(PY)) return `${PY} is missing (Debian python3-torchvision)`;
  const r = spawnSync(PY, ['-c', 'import torch, torchvision; assert torchvision.__version__.startswith("0.14")'], { encoding: 'utf8' });
  if (r.status !== 0) return `${PY} has no torchvision 0.14 (apt-get install python3-torchvision)`;
  if (!existsSync(join(REFERENCE, 'safetensors_io.py'))) return `the reference writer ${join(REFERENCE, 'safetensors_io.py')} is missing`;
  return null;
}

/** Exports the weights, inputs and logits once (about a minute); returns the cache folder. */
export function ensureExport(): string {
  if (existsSync(join(CACHE, 'done'))) return CACHE;
  mkdirSync(CACHE, { recursive: true });
  const r = spawnSync(PY, [join(here, 'export_torchvision.py'), CACHE, REFERENCE], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`export_torchvision.py failed (${r.status}): ${r.stderr}`);
  return CACHE;
}
