import { add, concat, mul, reshape, slice, type Tensor } from '@tensorflow/tfjs-core';
import { ArgumentError, ShapeError } from '@nnkit/tensor';
import { AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Dropout, Linear, MaxPool2d, Module, init } from '@nnkit/nn';
import { BasicConv2d } from './basic-conv2d.js';
import { InceptionA, InceptionB } from './inception-a-b.js';
import { InceptionC, InceptionD } from './inception-c-d.js';
import { InceptionE } from './inception-e.js';
import { InceptionAux } from './inception-aux.js';

/** Options of {@link Inception3} (torchvision's keyword names in camelCase). */
export interface Inception3Options {
  /** Output classes. Default 1000. */
  numClasses?: number;
  /** Build the auxiliary classifier `AuxLogits` (returned in training). Default true. */
  auxLogits?: boolean;
  /**
   * Re-normalise an ImageNet-normalised input to the [-1, 1] range the original Google weights
   * expect (torchvision sets it when it loads `IMAGENET1K_V1`). Default false.
   */
  transformInput?: boolean;
  /** Dropout before `fc`. Default 0.5. */
  dropout?: number;
  /** torchvision's truncated-normal initialisation (else nnkit's layer defaults). Default true. */
  initWeights?: boolean;
}

/** Logits in training with `auxLogits` (torchvision's `InceptionOutputs`). */
export interface InceptionOutputs {
  /** `[B, numClasses]`. */
  logits: Tensor;
  /** `[B, numClasses]`, from `AuxLogits` on Mixed_6e's features. */
  auxLogits: Tensor;
}

/** Smallest input edge torchvision supports (its weights' `min_size`). */
export const INCEPTION_MIN_SIZE = 75;
/** Smallest input edge at which `AuxLogits` can run (Mixed_6e features of 17 × 17). */
export const INCEPTION_AUX_MIN_SIZE = 299;

/**
 * Inception v3 exactly as torchvision 0.14's `Inception3` / `inception_v3`: same modules, same
 * `state_dict` keys (`Conv2d_1a_3x3.conv.weight`, `Mixed_5b.branch1x1.bn.running_mean`,
 * `AuxLogits.fc.weight`, `fc.bias`, …), same initialisation (truncated normal in [-2, 2] with
 * stddev 0.1; 0.01 for `AuxLogits.conv1`, 0.001 for `AuxLogits.fc`), so torchvision weights
 * load strictly and give the same logits. 27,161,264 parameters with `AuxLogits` at 1000
 * classes (23,834,568 without).
 *
 * x: `[B, 3, H, W]` with H, W ≥ 75 (299 × 299 for the pretrained weights) → logits
 * `[B, numClasses]`; in training with `auxLogits`, `{ logits, auxLogits }` (the auxiliary head
 * needs H, W ≥ 299).
 *
 * @example
 * ```ts
 * const model = new Inception3({ numClasses: 10 }).eval();
 * model.loadStateDict(loadSafetensors(bytes)); // torchvision's state_dict keys
 * const logits = model.call(tf.zeros([2, 3, 299, 299])) as Tensor; // [2, 10]
 * ```
 */
export class Inception3 extends Module {
  readonly numClasses: number;
  readonly auxLogits: boolean;
  readonly transformInput: boolean;
  readonly Conv2d_1a_3x3: BasicConv2d;
  readonly Conv2d_2a_3x3: BasicConv2d;
  readonly Conv2d_2b_3x3: BasicConv2d;
  readonly maxpool1: MaxPool2d;
  readonly Conv2d_3b_1x1: BasicConv2d;
  readonly Conv2d_4a_3x3: BasicConv2d;
  readonly maxpool2: MaxPool2d;
  readonly Mixed_5b: InceptionA;
  readonly Mixed_5c: InceptionA;
  readonly Mixed_5d: InceptionA;
  readonly Mixed_6a: InceptionB;
  readonly Mixed_6b: InceptionC;
  readonly Mixed_6c: InceptionC;
  readonly Mixed_6d: InceptionC;
  readonly Mixed_6e: InceptionC;
  readonly AuxLogits: InceptionAux | null;
  readonly Mixed_7a: InceptionD;
  readonly Mixed_7b: InceptionE;
  readonly Mixed_7c: InceptionE;
  readonly avgpool: AdaptiveAvgPool2d;
  readonly dropout: Dropout;
  fc: Linear;

  constructor(opts: Inception3Options = {}) {
    super();
    const numClasses = opts.numClasses ?? 1000;
    if (!Number.isInteger(numClasses) || numClasses < 1) throw new ArgumentError('Inception3', `numClasses must be a positive integer, got ${numClasses}`);
    const p = opts.dropout ?? 0.5;
    if (!(p >= 0 && p <= 1)) throw new ArgumentError('Inception3', `dropout must be in [0, 1], got ${p}`);
    this.numClasses = numClasses;
    this.auxLogits = opts.auxLogits ?? true;
    this.transformInput = opts.transformInput ?? false;
    const reg = <M extends Module>(name: string, m: M): M => this.registerModule(name, m);
    this.Conv2d_1a_3x3 = reg('Conv2d_1a_3x3', new BasicConv2d(3, 32, 3, { stride: 2 }));
    this.Conv2d_2a_3x3 = reg('Conv2d_2a_3x3', new BasicConv2d(32, 32, 3));
    this.Conv2d_2b_3x3 = reg('Conv2d_2b_3x3', new BasicConv2d(32, 64, 3, { padding: 1 }));
    this.maxpool1 = reg('maxpool1', new MaxPool2d(3, { stride: 2 }));
    this.Conv2d_3b_1x1 = reg('Conv2d_3b_1x1', new BasicConv2d(64, 80, 1));
    this.Conv2d_4a_3x3 = reg('Conv2d_4a_3x3', new BasicConv2d(80, 192, 3));
    this.maxpool2 = reg('maxpool2', new MaxPool2d(3, { stride: 2 }));
    this.Mixed_5b = reg('Mixed_5b', new InceptionA(192, 32));
    this.Mixed_5c = reg('Mixed_5c', new InceptionA(256, 64));
    this.Mixed_5d = reg('Mixed_5d', new InceptionA(288, 64));
    this.Mixed_6a = reg('Mixed_6a', new InceptionB(288));
    this.Mixed_6b = reg('Mixed_6b', new InceptionC(768, 128));
    this.Mixed_6c = reg('Mixed_6c', new InceptionC(768, 160));
    this.Mixed_6d = reg('Mixed_6d', new InceptionC(768, 160));
    this.Mixed_6e = reg('Mixed_6e', new InceptionC(768, 192));
    this.AuxLogits = this.auxLogits ? reg('AuxLogits', new InceptionAux(768, numClasses)) : null;
    this.Mixed_7a = reg('Mixed_7a', new InceptionD(768));
    this.Mixed_7b = reg('Mixed_7b', new InceptionE(1280));
    this.Mixed_7c = reg('Mixed_7c', new InceptionE(2048));
    this.avgpool = reg('avgpool', new AdaptiveAvgPool2d([1, 1]));
    this.dropout = reg('dropout', new Dropout(p));
    this.fc = reg('fc', new Linear(2048, numClasses));
    if (opts.initWeights ?? true) this.initWeights();
  }

  /**
   * torchvision's initialisation: every Conv2d / Linear weight ~ truncated N(0, stddev²) in
   * [-2, 2] (stddev 0.1; `AuxLogits.conv1.conv` 0.01, `AuxLogits.fc` 0.001); batch norms γ = 1,
   * β = 0; Linear biases keep PyTorch's default. Draws from the global RNG (`manualSeed`).
   */
  initWeights(): void {
    const stddev: Record<string, number> = { 'AuxLogits.conv1.conv': 0.01, 'AuxLogits.fc': 0.001 };
    for (const [name, m] of this.namedModules()) {
      if (m instanceof Conv2d || m instanceof Linear) init.truncNormal_(m.weight, 0, stddev[name] ?? 0.1, -2, 2);
      else if (m instanceof BatchNorm2d && m.weight && m.bias) {
        init.ones_(m.weight);
        init.zeros_(m.bias);
      }
    }
  }

  /** Checks x against `[B, 3, H ≥ 75, W ≥ 75]` with an error naming this module. */
  private checkInput(x: Tensor): void {
    const need = `[B, 3, H, W] with H, W >= ${INCEPTION_MIN_SIZE} (299 × 299 for pretrained weights)`;
    if (x.rank !== 4) throw new ShapeError(this.path(), need, x.shape);
    if (x.shape[1] !== 3) throw new ShapeError(this.path(), `${need}: the model takes 3 (RGB) channels, got ${x.shape[1]}`, x.shape);
    const [h, w] = [x.shape[2]!, x.shape[3]!];
    if (h < INCEPTION_MIN_SIZE || w < INCEPTION_MIN_SIZE) {
      throw new ShapeError(this.path(), `${need}: the image is ${h} × ${w}, smaller than ${INCEPTION_MIN_SIZE} × ${INCEPTION_MIN_SIZE} (resize it first)`, x.shape);
    }
    if (this.training && this.AuxLogits !== null && (h < INCEPTION_AUX_MIN_SIZE || w < INCEPTION_AUX_MIN_SIZE)) {
      throw new ShapeError(
        this.path(),
        `${need}: in training, AuxLogits needs H, W >= ${INCEPTION_AUX_MIN_SIZE} (Mixed_6e features of 17 × 17); got ${h} × ${w} — train at 299 × 299 or build with auxLogits: false`,
        x.shape,
      );
    }
  }

  /** torchvision's `_transform_input`: ImageNet normalisation → the [-1, 1] scaling of the Google weights. */
  private transform(x: Tensor): Tensor {
    if (!this.transformInput) return x;
    const consts: Array<[number, number]> = [
      [0.229 / 0.5, (0.485 - 0.5) / 0.5],
      [0.224 / 0.5, (0.456 - 0.5) / 0.5],
      [0.225 / 0.5, (0.406 - 0.5) / 0.5],
    ];
    const [b, , h, w] = x.shape as [number, number, number, number];
    return concat(
      consts.map(([s, o], c) => add(mul(slice(x, [0, c, 0, 0], [b, 1, h, w]), s), o)),
      1,
    );
  }

  /**
   * x: `[B, 3, H, W]` → logits `[B, numClasses]`, or `{ logits, auxLogits }` in training with
   * `auxLogits` (like torchvision's eager `forward`).
   */
  forward(x: Tensor): Tensor | InceptionOutputs {
    this.checkInput(x);
    let h = this.transform(x);
    for (const m of [this.Conv2d_1a_3x3, this.Conv2d_2a_3x3, this.Conv2d_2b_3x3, this.maxpool1, this.Conv2d_3b_1x1, this.Conv2d_4a_3x3, this.maxpool2]) h = m.call(h);
    for (const m of [this.Mixed_5b, this.Mixed_5c, this.Mixed_5d, this.Mixed_6a, this.Mixed_6b, this.Mixed_6c, this.Mixed_6d, this.Mixed_6e]) h = m.call(h);
    const aux = this.training && this.AuxLogits !== null ? this.AuxLogits.call(h) : null;
    for (const m of [this.Mixed_7a, this.Mixed_7b, this.Mixed_7c, this.avgpool, this.dropout]) h = m.call(h);
    const logits = this.fc.call(reshape(h, [h.shape[0]!, -1]));
    return aux !== null ? { logits, auxLogits: aux } : logits;
  }

  /**
   * Replaces the classifier(s) for transfer learning: `fc` (and `AuxLogits.fc`) become fresh
   * `Linear` layers with `numClasses` outputs (PyTorch's default initialisation, like
   * `model.fc = nn.Linear(2048, n)`); the old ones are disposed.
   *
   * @example
   * ```ts
   * model.replaceClassifier(5); // fc: [5, 2048], AuxLogits.fc: [5, 768]
   * ```
   */
  replaceClassifier(numClasses: number): this {
    if (!Number.isInteger(numClasses) || numClasses < 1) throw new ArgumentError(`${this.path()}.replaceClassifier`, `numClasses must be a positive integer, got ${numClasses}`);
    this.fc.dispose();
    this.fc = this.registerModule('fc', new Linear(2048, numClasses));
    if (this.AuxLogits !== null) {
      this.AuxLogits.fc.dispose();
      this.AuxLogits.fc = this.AuxLogits.registerModule('fc', new Linear(768, numClasses));
    }
    (this as { numClasses: number }).numClasses = numClasses;
    return this;
  }
}

/**
 * torchvision's `inception_v3(**kwargs)`: a new {@link Inception3} (weights are loaded
 * separately with `loadStateDict`).
 *
 * @example
 * ```ts
 * const model = inceptionV3({ numClasses: 5, auxLogits: false });
 * ```
 */
export function inceptionV3(opts: Inception3Options = {}): Inception3 {
  return new Inception3(opts);
}
