import { ArgumentError, NnkitError, ShapeError, StorageError } from '@nnkit/tensor';
import { describe, expect, it } from 'vitest';
import { itThrowsEach, type ThrowCase } from '@nnkit/tooling-testing';
import { Accuracy, confusionMatrixPlot, MetricCollection, rocCurvePlot, trainingCurves } from './index.js';
import { renderPng, writePlot } from './plots-node.js';


/** One user-facing condition per row: what is called, the nnkit class it must throw, and a piece of the message. */
const cases: ThrowCase[] = [
  ['MetricCollection with two metrics of one name', () => new MetricCollection([new Accuracy(), new Accuracy()]), ArgumentError, /^MetricCollection: two metrics named 'accuracy'/],
  ['confusionMatrixPlot of a non-square matrix', () => confusionMatrixPlot([[1, 2], [3]]), ShapeError, /^confusionMatrixPlot: expected matrix of shape a square matrix \[2, 2\], got row 1 of length 1/],
  ['rocCurvePlot without curves', () => rocCurvePlot({}), ArgumentError, /^rocCurvePlot: expected at least one/],
  ['trainingCurves of something that is not a history', () => trainingCurves({} as never), ArgumentError, /^trainingCurves: expected a TrainingHistory/],
];

describe('metrics throw the nnkit hierarchy', () => {
  itThrowsEach(cases, { base: NnkitError });

  it('writePlot to an unknown extension is an ArgumentError', async () => {
    const plot = rocCurvePlot({ a: { fpr: [0, 1], tpr: [0, 1], thresholds: [1, 0] } });
    await expect(writePlot(plot, 'out.gif')).rejects.toThrow(ArgumentError);
  });

  it('renderPng with scale 0 is an ArgumentError', async () => {
    await expect(renderPng('<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"></svg>', { scale: 0 })).rejects.toThrow(ArgumentError);
  });

  it('writePlot into a missing folder is a StorageError naming the file, with the fs error as cause', async () => {
    const plot = rocCurvePlot({ a: { fpr: [0, 1], tpr: [0, 1], thresholds: [1, 0] } });
    const file = 'no-such-dir/plot.json';
    const err = await writePlot(plot, file).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).path).toBe(file);
    expect((err as Error & { cause?: { code?: string } }).cause?.code).toBe('ENOENT');
  });
});
