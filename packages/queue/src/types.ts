import type { TrialContext, TrialResult } from '@nnkit/train';

/** What a queued trial job carries (BullMQ job data). The shared data is stored once per search under `dataKey`. */
export interface TrialJobPayload {
  /** Trial module as the coordinator named it (a worker may override it with `--trial`). */
  module: string;
  export: string;
  setup?: string;
  /** Redis key of the search's shared data (see `encodeData`). */
  dataKey: string;
  key: string;
  ctx: Omit<TrialContext, 'data' | 'checkpointDir' | 'progress'>;
  /** Folder for this trial's checkpoints (shared storage), when the coordinator set one. */
  checkpointDir?: string;
}

/** What a finished trial job returns (BullMQ return value). */
export interface TrialJobResult {
  result: TrialResult;
  /** Milliseconds the successful attempt took. */
  ms: number;
  /** `host:pid` of the worker that ran it. */
  worker: string;
}

/** A progress report of a running trial (`ctx.progress(...)` in the trial), with the worker that sent it. */
export interface TrialProgress {
  key: string;
  fold: number;
  worker: string;
  info: Record<string, number | string>;
}
