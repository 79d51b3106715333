import type { SearchRow } from './types.js';

const fmt = (v: unknown): string => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : JSON.stringify(v));

/**
 * The ranked results as a plain-text table: rank, each parameter, each score as mean ± std.
 *
 * @example
 * ```ts
 * console.log(formatSearchTable((await gridSearch(opts)).rows));
 * // rank  lr    epochs  score
 * // 1     0.1   20      0.9600 ± 0.0200
 * ```
 */
export function formatSearchTable(rows: readonly SearchRow[]): string {
  if (!rows.length) return '(no results)';
  const paramKeys = Object.keys(rows[0]!.params);
  const scoreKeys = Object.keys(rows[0]!.mean);
  const header = ['rank', ...paramKeys, ...scoreKeys, 'folds'];
  const body = rows.map((r) => [
    String(r.rank),
    ...paramKeys.map((k) => fmt(r.params[k])),
    ...scoreKeys.map((k) => `${(r.mean[k] ?? Number.NaN).toFixed(4)} ± ${(r.std[k] ?? Number.NaN).toFixed(4)}`),
    String(r.folds),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), ...body.map(line)].join('\n');
}
