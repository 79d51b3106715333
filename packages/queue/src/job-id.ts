import type { TrialTask } from '@nnkit/train';

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** SHA-256 of a text as lowercase hex (Web Crypto: Node ≥ 20 and browsers). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The queue's job id of one trial: a hash of everything that decides its result — the search
 * (name and shared data's hash), the parameters, the fold and its sample indices, the seed. The
 * same trial always gets the same id, so re-running a search (or restarting its coordinator)
 * finds the finished job instead of adding a duplicate.
 *
 * @example
 * ```ts
 * await trialJobId('subject-1', dataHash, task); // 't-3f2a…' (41 characters)
 * ```
 */
export async function trialJobId(search: string, dataHash: string, task: TrialTask): Promise<string> {
  const { ctx } = task;
  const content = canonical({ search, dataHash, key: task.key, fold: ctx.fold, folds: ctx.folds, seed: ctx.seed, train: ctx.trainIndex, test: ctx.testIndex });
  return `t-${(await sha256Hex(content)).slice(0, 40)}`;
}
