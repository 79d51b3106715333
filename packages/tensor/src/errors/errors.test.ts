import { describe, expect, it } from 'vitest';
import { ArgumentError, DTypeError, FormatError, NnkitError, NotSupportedError, ShapeError, StateError, StorageError } from './errors.js';

describe('NnkitError hierarchy', () => {
  const cases: [string, NnkitError, string, string][] = [
    ['ShapeError', new ShapeError('LeNet.fc1', '[*, 400]', [2, 576]), 'shape', 'LeNet.fc1: expected input of shape [*, 400], got [2, 576]'],
    ['DTypeError', new DTypeError('conv2d', 'float32', 'int32'), 'dtype', 'conv2d: expected input of dtype float32, got int32'],
    ['ArgumentError', new ArgumentError('Conv2d', 'kernelSize must be positive'), 'argument', 'Conv2d: kernelSize must be positive'],
    ['StateError', new StateError('DataLoader', 'closed'), 'state', 'DataLoader: closed'],
    ['FormatError', new FormatError('mat5', 'a.mat', 'truncated'), 'format', 'mat5: a.mat: truncated'],
    ['StorageError', new StorageError('/ro/x', 'EACCES'), 'storage', '/ro/x: EACCES'],
    ['NotSupportedError', new NotSupportedError('pth', 'legacy files'), 'not-supported', 'pth: legacy files'],
  ];
  for (const [name, err, code, message] of cases) {
    it(`${name}: is an NnkitError with code '${code}', its own name and message`, () => {
      expect(err).toBeInstanceOf(NnkitError);
      expect(err).toBeInstanceOf(Error);
      expect(err.name).toBe(name);
      expect(err.code).toBe(code);
      expect(err.message).toBe(message);
    });
  }
  it('a FormatError without a file names <bytes>', () => {
    expect(new FormatError('gdf', undefined, 'bad magic').message).toBe('gdf: <bytes>: bad magic');
  });
});
