import type { ModelSummary, SummaryRow } from './types.js';

/**
 * Formats a count with thousands separators.
 *
 * @example
 * ```ts
 * thousands(4096); // '4,096'
 * ```
 */
export function thousands(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function shapeText(s: SummaryRow['outputShape']): string {
  if (s === null) return '--';
  if (s.length && Array.isArray(s[0])) return (s as number[][]).map((x) => `[${x.join(', ')}]`).join(', ');
  return `[${(s as number[]).join(', ')}]`;
}

function pad(s: string, w: number): string {
  return s.length >= w ? `${s} ` : s + ' '.repeat(w - s.length);
}

/**
 * Renders a summary as a torchsummary-style table (what `ModelSummary.toString()` returns).
 *
 * @example
 * ```ts
 * formatSummary('LeNet', s); // 'LeNet summary\n----…'
 * ```
 */
export function formatSummary(modelName: string, s: Omit<ModelSummary, 'toString'>): string {
  const cells = s.rows.map((r) => [r.name ? `${r.name} (${r.type})` : `(${r.type})`, shapeText(r.outputShape), thousands(r.params), thousands(r.multAdds)]);
  const head = ['Layer (type)', 'Output Shape', 'Param #', 'Mult-Adds'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)) + 2);
  const width = widths.reduce((a, b) => a + b, 0);
  const line = (ch: string): string => ch.repeat(width);
  const row = (c: string[]): string => c.map((x, i) => (i >= 2 ? x.padStart(widths[i]! - 2) + '  ' : pad(x, widths[i]!))).join('').trimEnd();
  const mb = (x: number): string => x.toFixed(2);
  return [
    `${modelName} summary`,
    line('-'),
    row(head),
    line('='),
    ...cells.map(row),
    line('='),
    `Total params: ${thousands(s.totalParams)}`,
    `Trainable params: ${thousands(s.trainableParams)}`,
    `Non-trainable params: ${thousands(s.nonTrainableParams)}`,
    `Buffer elements: ${thousands(s.bufferCount)}`,
    `Params + running statistics: ${thousands(s.totalParams + s.statisticsCount)}`,
    `Total mult-adds: ${thousands(s.multAdds)}`,
    line('-'),
    `Input size (MB): ${mb(s.memory.inputMB)}`,
    `Forward/backward pass size (MB): ${mb(s.memory.activationsMB)}`,
    `Params size (MB): ${mb(s.memory.paramsMB)}`,
    `Estimated Total Size (MB): ${mb(s.memory.totalMB)}`,
    line('-'),
  ].join('\n');
}
