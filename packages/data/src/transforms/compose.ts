import { ArgumentError } from '@nnkit/tensor';
/** A transform: a function from one value to the next (may be async). */
export type Transform<I = unknown, O = unknown> = (x: I) => O;

/**
 * Chains transforms left to right (like `torchvision.transforms.Compose`). If any step
 * returns a promise, the composed transform returns a promise.
 *
 * @example
 * ```ts
 * const t = compose([(x: Tensor) => resize(x, 224), (x) => centerCrop(x, 224), (x) => normalize(x)]);
 * const y = t(img); // img: [3, H, W] → [3, 224, 224]
 * ```
 */
export function compose<I = unknown, O = unknown>(transforms: readonly Transform<any, any>[]): Transform<I, O> {
  transforms.forEach((t, i) => {
    if (typeof t !== 'function') throw new ArgumentError('compose', `transform ${i} is not a function`);
  });
  return (x: I): O => {
    let v: unknown = x;
    for (let i = 0; i < transforms.length; i++) {
      const t = transforms[i]!;
      if (v instanceof Promise) {
        const rest = transforms.slice(i);
        return v.then((r) => compose(rest)(r)) as O;
      }
      v = t(v);
    }
    return v as O;
  };
}
