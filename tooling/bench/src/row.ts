/**
 * One line of the bench's summary table (`results/latest.json` rows, `latest.md` lines). Times are
 * medians in ms; `undefined` shows as — (no peer for that workload, or the peer was unavailable).
 */
export interface Row {
  /** Stable id, `<group>/<workload>` (what `--only` matches). */
  id: string;
  workload: string;
  nnkit: number;
  pytorch?: number | undefined;
  tfjsLayers?: number | undefined;
  /** Same-MAC wasm GEMM beside conv workloads. */
  gemm?: number | undefined;
  /** Peak tfjs bytes during one call (tf.profile). */
  peakTfjsBytes?: number | undefined;
  /** Peak RSS (MiB) of the nnkit group process when the workload ended (ru_maxrss, running peak). */
  rssMb?: number | undefined;
  /** Peak RSS (MiB) of the PyTorch group process when the workload ended. */
  torchRssMb?: number | undefined;
  /** nnkit CPU time per timed call (ms, process.cpuUsage; above `nnkit` when helper threads run). */
  cpuMs?: number | undefined;
  /** PyTorch CPU time per timed call (ms, time.process_time). */
  torchCpuMs?: number | undefined;
  /** Samples per call, for throughput rows (samples/s is printed in the notes). */
  samples?: number | undefined;
  note?: string | undefined;
}

/** What a PyTorch group script reports per workload id. */
export interface TorchCell {
  ms: number;
  rssMb: number;
  cpuMs?: number;
}
