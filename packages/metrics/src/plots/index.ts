export { type Plot, type PlotOptions, type Point2, type TrainingHistory, type VegaLiteSpec } from './types.js';
export { trainingCurves, type TrainingCurvesOptions } from './training-curves.js';
export { confusionMatrixPlot, type ConfusionMatrixPlotOptions } from './confusion-matrix-plot.js';
export { scatterPlot, type ScatterPlotOptions } from './scatter-plot.js';
export { rocCurvePlot } from './roc-curve-plot.js';
export { decisionBoundaryPlot, type DecisionBoundaryOptions, type GridPredictor } from './decision-boundary-plot.js';
export { attentionOverlay, type AttentionOverlayOptions, type ImageInput } from './attention-overlay.js';
