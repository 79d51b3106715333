/**
 * Implemented by layers that can count their multiply-adds for one forward call (conv, linear,
 * batch norm, ...); {@link summary} calls it with the call's input and output shapes.
 *
 * @example
 * ```ts
 * class Linear extends Module implements MultAddsCounter {
 *   multAdds(inputShape: number[], outputShape: number[]): number {
 *     return outputShape.reduce((a, b) => a * b, 1) * this.inFeatures; // x: [B, in] → [B, out]
 *   }
 * }
 * ```
 */
export interface MultAddsCounter {
  multAdds(inputShape: number[], outputShape: number[]): number;
}

/** One module of a {@link ModelSummary}. */
export interface SummaryRow {
  /** Dotted path from the model (the state_dict prefix), e.g. `features.0`; `''` for the model itself. */
  name: string;
  /** Class name, e.g. `Conv2d`. */
  type: string;
  /** Depth below the model (1 for direct children). */
  depth: number;
  /**
   * Shape of the output of the module's last call (`[B, C, H, W]`), a list of shapes when it
   * returned several tensors, or `null` when the forward pass did not call it.
   */
  outputShape: number[] | number[][] | null;
  /** Number of forward calls during the summary pass. */
  calls: number;
  /** Parameter elements owned directly by this module (not its children; shared ones counted once). */
  params: number;
  /** How many of `params` are trainable (`requiresGrad`). */
  trainable: number;
  /** Multiply-adds of this module's calls (0 unless the layer implements `multAdds`). */
  multAdds: number;
}

/** Memory estimate of a {@link ModelSummary} in MiB (float32, 4 bytes per element), like torchsummary. */
export interface SummaryMemory {
  /** The inputs. */
  inputMB: number;
  /** Outputs of the leaf modules, ×2 for forward and backward (torchsummary's "forward/backward pass size"). */
  activationsMB: number;
  /** The parameters. */
  paramsMB: number;
  /** Sum of the three. */
  totalMB: number;
}

/**
 * What {@link summary} returns; `toString()` renders the table.
 *
 * @example
 * ```ts
 * const s = summary(model, [1, 1, 32, 32]);
 * `${s.trainableParams} of ${s.totalParams} trainable, ${s.memory.totalMB.toFixed(2)} MB`;
 * ```
 */
export interface ModelSummary {
  rows: SummaryRow[];
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  /** Elements of the persistent buffers (batch-norm running statistics, ...). */
  bufferCount: number;
  /**
   * Elements of the floating-point persistent buffers (running means/variances; integer
   * counters such as `num_batches_tracked` excluded): `totalParams + statisticsCount` is the
   * model size papers quote (EEG-TCNet: 4,096 + 176 = 4,272).
   */
  statisticsCount: number;
  /** Total multiply-adds of one forward pass. */
  multAdds: number;
  memory: SummaryMemory;
  /** The torchsummary-style table. */
  toString(): string;
}
