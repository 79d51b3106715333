import { memory, tidy } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';

/** Any error class (abstract or not). */
export type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * One user-facing condition: its title, the call that must throw, the error class it must throw and a piece of
 * the message.
 */
export type ThrowCase = [name: string, call: () => unknown, cls: ErrorClass, message: RegExp];

/** Options of {@link itThrowsEach}. */
export interface ThrowCaseOptions {
  /** The class every error must also be (the package's root, e.g. `NnkitError`). */
  base: ErrorClass;
  /** Run each call inside `tidy` and check the tensor count did not change. Default false. */
  noLeaks?: boolean;
}

/**
 * Defines one `it` per case (inside the current `describe`): the call throws `cls`, also an instance of
 * `options.base`, with a message matching `message`; with `noLeaks`, no tensor is left behind.
 *
 * @example
 * describe('data throws the nnkit hierarchy', () => {
 *   itThrowsEach([['KFold with one split', () => new KFold(1), ArgumentError, /nSplits/]], { base: NnkitError });
 * });
 */
export function itThrowsEach(cases: ThrowCase[], options: ThrowCaseOptions): void {
  it.each(cases)('%s', (_name, call, cls, message) => {
    const before = options.noLeaks === true ? memory().numTensors : 0;
    let thrown: unknown;
    try {
      if (options.noLeaks === true) {
        tidy(() => {
          call();
        });
      } else {
        call();
      }
    } catch (e) {
      thrown = e;
    }
    if (options.noLeaks === true) expect(memory().numTensors).toBe(before);
    expect(thrown).toBeInstanceOf(cls);
    expect(thrown).toBeInstanceOf(options.base);
    expect((thrown as Error).message).toMatch(message);
  });
}
