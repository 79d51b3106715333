import type { TrialRecord } from './types.js';
import { StorageError } from '@nnkit/tensor';

/** Reads the finished trials of a JSONL results file (none when it does not exist; a torn last line is ignored). */
export async function readResults(path: string): Promise<TrialRecord[]> {
  const fs = await import('node:fs/promises');
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch {
    return [];
  }
  const out: TrialRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line) as TrialRecord;
      if (typeof r.key === 'string' && typeof r.fold === 'number' && r.scores) out.push(r);
    } catch {
      // an interrupted write: that trial runs again
    }
  }
  return out;
}

/** Appends one trial as a JSON line (creating folders and the file). */
export async function appendResult(path: string, record: TrialRecord): Promise<void> {
  const [fs, p] = await Promise.all([import('node:fs/promises'), import('node:path')]);
  try {
    await fs.mkdir(p.dirname(path), { recursive: true });
    await fs.appendFile(path, `${JSON.stringify(record)}\n`);
  } catch (e) {
    throw new StorageError(path, `cannot append the trial result (${(e as Error).message})`, { cause: e });
  }
}
