/** What {@link throttleProgress} returns. */
export interface ProgressThrottle<T> {
  /** Hands over the latest report: sent now when `everyMs` has passed since the last one, else kept (replacing any kept one) and sent when it has. */
  report(info: T): void;
  /** Sends the kept report, if any, now (call it before the trial's result, so the last epoch is never lost). */
  flush(): void;
}

/**
 * Coalesces a trial's progress reports: at most one is sent per `everyMs`, the first at once and
 * the latest of those in between when the wait is over (a trailing send), so a trial that reports
 * thousands of short epochs costs a few messages a second instead of one IPC message, one Redis
 * write and one queue event per epoch — work that would otherwise load the other cores. With
 * `everyMs` 0 every report is sent.
 *
 * @example
 * ```ts
 * const p = throttleProgress((info: { epoch: number }) => process.send?.(info), 1000);
 * for (let epoch = 1; epoch <= 4000; epoch++) p.report({ epoch }); // sends epoch 1 now, the latest later
 * p.flush();
 * ```
 */
export function throttleProgress<T>(send: (info: T) => void, everyMs: number): ProgressThrottle<T> {
  let last = Number.NEGATIVE_INFINITY;
  let kept: { info: T } | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (!kept) return;
    const { info } = kept;
    kept = undefined;
    last = Date.now();
    send(info);
  };
  return {
    report(info) {
      kept = { info };
      const wait = last + everyMs - Date.now();
      if (wait <= 0) flush();
      else timer ??= setTimeout(flush, wait);
    },
    flush,
  };
}
