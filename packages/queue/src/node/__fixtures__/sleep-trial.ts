// A trial that only waits (no CPU): separates how the queue spreads trials over workers from how
// fast the machine computes. It returns when it ran (wall-clock ms) and in which process.
// With `meetDir`, a rendezvous: the trial marks its process in that folder and waits until `meet`
// different trial processes have marked theirs (or `meetTimeoutMs` passed: `met` 0) — trials run
// one after another can never meet, trials that run at the same time always do.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrialContext } from '@nnkit/train';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** When this trial process started (ms since the epoch). */
const processStart = Math.round(performance.timeOrigin);

export async function trial(ctx: TrialContext): Promise<Record<string, number>> {
  const start = Date.now();
  const sleepMs = Number(ctx.params['sleepMs'] ?? 0);
  const meetDir = ctx.params['meetDir'] as string | undefined;
  let met = 1;
  if (meetDir !== undefined) {
    const meet = Number(ctx.params['meet'] ?? 2);
    const deadline = start + Number(ctx.params['meetTimeoutMs'] ?? 60_000);
    mkdirSync(meetDir, { recursive: true });
    writeFileSync(join(meetDir, String(process.pid)), '');
    while (readdirSync(meetDir).length < meet && Date.now() < deadline) await sleep(20);
    met = readdirSync(meetDir).length >= meet ? 1 : 0;
  }
  await sleep(sleepMs);
  ctx.progress?.({ done: 1 });
  return { start, end: Date.now(), pid: process.pid, processStart, met };
}
