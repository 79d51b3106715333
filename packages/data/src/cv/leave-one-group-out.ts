import { type Fold, foldFromMask } from './fold.js';
import { ArgumentError } from '@nnkit/tensor';

/** A fold of {@link LeaveOneGroupOut}, with the group held out. */
export interface GroupFold extends Fold {
  group: number | string;
}

/**
 * Leave-one-group-out cross-validation (like `sklearn.model_selection.LeaveOneGroupOut`),
 * e.g. leave-one-subject-out for EEG: one fold per distinct group (sorted), whose test set is
 * every sample of that group.
 *
 * @example
 * ```ts
 * for (const { train, test, group } of new LeaveOneGroupOut().split(subjectOfTrial)) { ... }
 * ```
 */
export class LeaveOneGroupOut {
  /** The folds for `groups` (one group id per sample). */
  split(groups: ArrayLike<number | string>): GroupFold[] {
    const distinct = [...new Set(Array.from(groups))].sort((a, b) =>
      typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0,
    );
    if (distinct.length < 2) throw new ArgumentError('LeaveOneGroupOut', `the groups parameter contains fewer than 2 unique groups (${distinct.join(', ')})`);
    return distinct.map((g) => ({ ...foldFromMask(Uint8Array.from(Array.from(groups), (v) => (v === g ? 1 : 0))), group: g }));
  }

  /** Number of folds for `groups`. */
  getNSplits(groups: ArrayLike<number | string>): number {
    return new Set(Array.from(groups)).size;
  }
}
