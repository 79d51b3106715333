// One trial process of a queue worker (forked by TrialProcesses): imports the trial module once,
// runs one trial at a time on its own tfjs backend, reports progress (throttled) and the result over IPC.
// It exits when its parent goes away (a killed worker leaves no orphan trials behind).
import { loadTrialModule } from './load-trial.js';
import { throttleProgress } from './progress-throttle.js';
import type { ChildMessage, ParentMessage } from './trial-processes.js';

const send = (m: ChildMessage): void => {
  process.send?.(m);
};
const errorText = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

process.on('disconnect', () => process.exit(0));
process.on('message', (m: ParentMessage) => {
  if (m.type !== 'run') return;
  void (async () => {
    const progress = throttleProgress((info: Record<string, number | string>) => send({ type: 'progress', id: m.id, info }), m.progressMs);
    try {
      const fn = await loadTrialModule(m.trial);
      const result = await fn({
        ...m.ctx,
        data: m.data,
        ...(m.checkpointDir !== undefined ? { checkpointDir: m.checkpointDir } : {}),
        progress: (info: Record<string, number | string>) => progress.report(info),
      });
      progress.flush();
      send({ type: 'result', id: m.id, result });
    } catch (e) {
      progress.flush();
      send({ type: 'error', id: m.id, message: errorText(e) });
    }
  })();
});
send({ type: 'ready' });
