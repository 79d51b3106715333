import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { throttleProgress } from './progress-throttle.js';

describe('throttleProgress', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends the first report at once and coalesces the rest into one trailing send per interval', () => {
    const sent: number[] = [];
    const p = throttleProgress((e: number) => sent.push(e), 1000);
    for (let e = 1; e <= 500; e++) p.report(e);
    expect(sent).toEqual([1]);
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual([1, 500]);
    vi.advanceTimersByTime(5000);
    expect(sent).toEqual([1, 500]);
  });

  it('flush sends the kept report now and nothing twice', () => {
    const sent: number[] = [];
    const p = throttleProgress((e: number) => sent.push(e), 1000);
    p.report(1);
    p.report(2);
    p.report(3);
    p.flush();
    expect(sent).toEqual([1, 3]);
    vi.advanceTimersByTime(2000);
    p.flush();
    expect(sent).toEqual([1, 3]);
  });

  it('reports further apart than the interval are all sent at once', () => {
    const sent: number[] = [];
    const p = throttleProgress((e: number) => sent.push(e), 100);
    for (let e = 1; e <= 3; e++) {
      p.report(e);
      vi.advanceTimersByTime(150);
    }
    expect(sent).toEqual([1, 2, 3]);
  });

  it('everyMs 0 sends every report', () => {
    const sent: number[] = [];
    const p = throttleProgress((e: number) => sent.push(e), 0);
    for (let e = 1; e <= 5; e++) p.report(e);
    expect(sent).toEqual([1, 2, 3, 4, 5]);
  });
});
