import { type ChildProcess, fork } from 'node:child_process';
import type { TrialContext, TrialModule, TrialResult } from '@nnkit/train';
import { QueueError, TrialError } from '../errors.js';

/** Parent → trial process. */
export type ParentMessage = {
  type: 'run';
  id: number;
  trial: TrialModule;
  ctx: Omit<TrialContext, 'data' | 'checkpointDir' | 'progress'>;
  data: unknown;
  checkpointDir?: string;
  /** At most one progress report per this many ms (the trial process coalesces them). */
  progressMs: number;
};
/** Trial process → parent. */
export type ChildMessage =
  | { type: 'ready' }
  | { type: 'progress'; id: number; info: Record<string, number | string> }
  | { type: 'result'; id: number; result: TrialResult }
  | { type: 'error'; id: number; message: string };

/** One trial to run in a trial process. */
export interface TrialRun {
  trial: TrialModule;
  ctx: ParentMessage['ctx'];
  data: unknown;
  checkpointDir?: string;
  /** At most one progress report per this many ms, the latest winning; 0: every report. */
  progressMs: number;
}

interface Slot {
  child: ChildProcess;
  ready: Promise<void>;
  busy: boolean;
}

/**
 * Node/V8 flags every trial process gets unless its flags already set them: a 32 MB young
 * generation (V8's default is 16 MB on 64-bit), so the garbage of a training loop (a tfjs tensor
 * per op) is collected in half as many scavenges, which V8 runs on helper threads. With one
 * trial process per core those threads compete with the other trials: on a 2-core machine a
 * 6-trial search with 2 workers took 0.58× (wasm-bound trial) and 0.65× (JavaScript-bound trial)
 * the time of 1 worker with V8's default, 0.54× and 0.62× with this (5 interleaved pairs each;
 * see the README's scaling section).
 */
export const TRIAL_NODE_DEFAULTS: readonly string[] = ['--max-semi-space-size=32'];

/** `flags` plus each of {@link TRIAL_NODE_DEFAULTS} whose flag name `flags` does not set already. */
export function trialExecArgv(flags: readonly string[]): string[] {
  const name = (f: string): string => f.split('=')[0]!.replace(/_/g, '-');
  const set = new Set(flags.map(name));
  return [...flags, ...TRIAL_NODE_DEFAULTS.filter((d) => !set.has(name(d)))];
}

const childFile = new URL(import.meta.url.endsWith('.ts') ? './trial-child.ts' : './trial-child.js', import.meta.url);

/**
 * A fixed number of trial processes (wasm is single-threaded: one trial per process). Each
 * process is forked when first needed and kept for later trials (its trial module stays
 * imported); one that dies is replaced by a fresh one at the next trial. The parent's event
 * loop stays free, so the queue's lock renewals (heartbeats) keep going while a trial computes.
 */
export class TrialProcesses {
  private readonly slots: Array<Slot | undefined>;
  private readonly execArgv: readonly string[];
  private nextId = 0;

  constructor(
    size: number,
    execArgv: readonly string[] = process.execArgv,
  ) {
    this.execArgv = trialExecArgv(execArgv);
    this.slots = Array.from({ length: size }, () => undefined);
  }

  private spawn(): Slot {
    const child = fork(childFile, [], { execArgv: [...this.execArgv], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const ready = new Promise<void>((resolve, reject) => {
      const onMsg = (m: ChildMessage): void => {
        if (m.type === 'ready') {
          child.off('message', onMsg);
          child.off('exit', onExit);
          resolve();
        }
      };
      const onExit = (code: number | null, signal: string | null): void => reject(new QueueError(`a trial process could not start (exit ${signal ?? code})`));
      child.on('message', onMsg);
      child.once('exit', onExit);
    });
    ready.catch(() => {});
    return { child, ready, busy: false };
  }

  /** Runs one trial in an idle process; `onProgress` receives the trial's `ctx.progress` reports. */
  async run(t: TrialRun, onProgress: (info: Record<string, number | string>) => void): Promise<TrialResult> {
    const i = this.slots.findIndex((s) => !s?.busy);
    if (i < 0) throw new QueueError('no idle trial process (more jobs than the worker concurrency)');
    let slot = this.slots[i];
    if (!slot || slot.child.exitCode !== null || slot.child.signalCode !== null) slot = this.slots[i] = this.spawn();
    slot.busy = true;
    try {
      await slot.ready;
      const child = slot.child;
      const id = this.nextId++;
      return await new Promise<TrialResult>((resolve, reject) => {
        const cleanup = (): void => {
          child.off('message', onMsg);
          child.off('exit', onExit);
        };
        const onMsg = (m: ChildMessage): void => {
          if (m.type === 'ready' || m.id !== id) return;
          if (m.type === 'progress') onProgress(m.info);
          else {
            cleanup();
            if (m.type === 'result') resolve(m.result);
            else reject(new TrialError(m.message));
          }
        };
        const onExit = (code: number | null, signal: string | null): void => {
          cleanup();
          reject(new QueueError(`the trial process exited during the trial (${signal ?? `code ${code}`})`));
        };
        child.on('message', onMsg);
        child.once('exit', onExit);
        const msg: ParentMessage = { type: 'run', id, trial: t.trial, ctx: t.ctx, data: t.data, progressMs: t.progressMs, ...(t.checkpointDir !== undefined ? { checkpointDir: t.checkpointDir } : {}) };
        child.send(msg);
      });
    } finally {
      slot.busy = false;
    }
  }

  /** Ends every trial process. */
  close(): void {
    for (const s of this.slots) s?.child.kill();
    this.slots.fill(undefined);
  }
}
