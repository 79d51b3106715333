// @nnkit/data cross-validation: seeded index splits.
export { type Fold, foldFromMask, encodeLabels } from './fold.js';
export { KFold, StratifiedKFold, type KFoldOptions } from './kfold.js';
export { LeaveOneGroupOut, type GroupFold } from './leave-one-group-out.js';
export { trainValSplit, type TrainValSplitOptions } from './train-val-split.js';
