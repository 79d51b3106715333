import { backward, crossEntropy, type Module } from '@nnkit/nn';
import { ArgumentError, manualSeed, StateError } from '@nnkit/tensor';
import { concat, reshape, tensor, type Tensor, tidy } from '@tensorflow/tfjs-core';
import type { LossFn } from '../runner/types.js';
import { layoutOf, packState, unpackState } from './flat-state.js';
import type { ReplicaLayout, StepRequest, StepResult } from './protocol.js';

/**
 * What a replica's model factory returns: the model (trained with cross-entropy), or the model
 * and its loss (the same loss as the main thread's, reduced by the mean over the batch).
 */
export type ReplicaModel = Module | { model: Module; lossFn: LossFn };

/**
 * One data-parallel replica: a copy of the model that, for each {@link StepRequest}, takes the
 * main thread's state, runs forward and backward on its shard in train mode and returns the loss,
 * the flat gradients and the state after the step (batch-norm statistics). It keeps nothing
 * between steps but the tensors of the model, so every step is a pure function of the request.
 * Runs inside a worker (see {@link serveReplica} and `startDataParallel`); usable directly in
 * tests.
 *
 * @example
 * ```ts
 * const replica = new Replica(new Sequential(new Linear(4, 3)));
 * const r = replica.step({ state, x, xShape: [8, 4], y, yShape: [8], yDtype: 'int32', seed: 1 });
 * r.grads; // Float32Array, every parameter's gradient, flattened in parameters() order
 * ```
 */
export class Replica {
  readonly model: Module;
  private readonly lossFn: LossFn;

  constructor(made: ReplicaModel) {
    const isModule = typeof (made as Module)?.stateDict === 'function';
    const m = isModule ? (made as Module) : (made as { model: Module }).model;
    if (!m || typeof m.stateDict !== 'function') {
      throw new ArgumentError('Replica', 'the model factory must return a Module or { model, lossFn }');
    }
    this.model = m;
    this.lossFn = isModule ? (o: Tensor, t: Tensor) => crossEntropy(o, t) : (made as { lossFn: LossFn }).lossFn;
  }

  /** The model's state keys and shapes and parameter sizes (checked against the main thread's). */
  layout(): ReplicaLayout {
    return layoutOf(this.model);
  }

  /** One forward/backward pass on the request's shard; see {@link StepResult}. */
  step(req: StepRequest): StepResult {
    const model = this.model;
    unpackState(model, req.state);
    if (!model.training) model.train(); // train() also frees caches: only on a mode change
    manualSeed(req.seed);
    const params = model.parameters();
    for (const p of params) p.setGrad(null);
    const x = tensor(req.x, req.xShape, 'float32');
    const y = tensor(req.y, req.yShape, req.yDtype);
    try {
      const f = this.lossFn;
      const loss = backward(() => {
        const out = (model as unknown as { call(x: Tensor): Tensor }).call(x);
        return typeof f === 'function' ? f(out, y) : f.call(out, y);
      }, model);
      const value = loss.dataSync()[0]!;
      loss.dispose();
      const hasGrad = Uint8Array.from(params, (p) => (p.grad === null ? 0 : 1));
      if (params.some((p) => p.requiresGrad) && hasGrad.every((h) => h === 0)) {
        throw new StateError('Replica', 'no parameter got a gradient: is the model built with another copy of @nnkit/nn or tfjs-core than this worker\'s?');
      }
      const grads = tidy(() => {
        const parts = params.map((p) => (p.grad === null ? tensor(new Float32Array(p.size)) : reshape(p.grad, [-1])));
        return (parts.length === 1 ? parts[0]! : concat(parts)).dataSync() as Float32Array;
      });
      for (const p of params) p.setGrad(null);
      return { loss: value, grads: Float32Array.from(grads), hasGrad, state: packState(model) };
    } finally {
      x.dispose();
      y.dispose();
    }
  }

  /** Frees the model. */
  dispose(): void {
    this.model.dispose();
  }
}
