// The summary table of `pnpm bench`: markdown and JSON, in results/latest.{md,json}.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Row } from './row.js';

/** Run-level facts printed above the table and stored in the JSON. */
export interface TableMeta {
  date: string;
  backend: string;
  runs: number;
  /** How PyTorch ran, or why it did not. */
  peer: string;
  only: string | undefined;
  wallS: number;
  /** Groups whose nnkit process failed (their rows are missing). */
  failed?: string[];
}

const f = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '—' : v >= 100 ? v.toFixed(0) : v.toFixed(2));
const r = (a: number, b: number | undefined): string => (b === undefined || !Number.isFinite(b) || !Number.isFinite(a) ? '—' : `${(a / b).toFixed(2)}×`);
const mib = (v: number | undefined): string => (v === undefined ? '—' : (v / 2 ** 20).toFixed(1));
const mb = (v: number | undefined): string => (v === undefined ? '—' : v.toFixed(0));
const rate = (row: Row): string => {
  if (row.samples === undefined) return row.note ?? '';
  const s = (ms: number | undefined): string => (ms === undefined ? '—' : Math.round((1000 * row.samples!) / ms).toLocaleString('en-US'));
  return [`samples/s: nnkit ${s(row.nnkit)}, PyTorch ${s(row.pytorch)}`, row.note].filter(Boolean).join('; ');
};

/** The markdown table (medians in ms). */
export function toMarkdown(rows: readonly Row[], meta: TableMeta): string {
  return [
    `nnkit bench — ${meta.date}, backend ${meta.backend}, ${meta.runs} runs, medians (ms); PyTorch ${meta.peer}${meta.only ? `; --only ${meta.only}` : ''}; ${meta.wallS.toFixed(0)} s${meta.failed ? `; FAILED groups: ${meta.failed.join(', ')}` : ''}`,
    '',
    '| workload | nnkit | PyTorch | tfjs-layers | same-MAC wasm GEMM | nnkit / PyTorch | nnkit / tfjs-layers | nnkit / GEMM | peak tfjs MiB | nnkit RSS MiB | PyTorch RSS MiB | notes |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (x) =>
        `| ${x.workload} | ${f(x.nnkit)} | ${f(x.pytorch)} | ${f(x.tfjsLayers)} | ${f(x.gemm)} | ${r(x.nnkit, x.pytorch)} | ${r(x.nnkit, x.tfjsLayers)} | ${r(x.nnkit, x.gemm)} | ${mib(x.peakTfjsBytes)} | ${mb(x.rssMb)} | ${mb(x.torchRssMb)} | ${rate(x)} |`,
    ),
  ].join('\n');
}

/** Writes `latest.md` and `latest.json` into `dir`; returns the markdown. */
export function writeResults(dir: string, rows: readonly Row[], meta: TableMeta): string {
  const md = toMarkdown(rows, meta);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.md'), `${md}\n`);
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify({ ...meta, rows }, null, 2)}\n`);
  return md;
}
