// Owned by one area; an explicit list of named exports.
export {
  gradCheck,
  assertGradClose,
  GradCheckError,
  type GradCheckOptions,
  type GradCheckReport,
  type GradCheckWorst,
} from './grad-check.js';
