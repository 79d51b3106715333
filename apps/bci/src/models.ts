import { EEGInceptionTCN, EEGNet, EEGTCNet, type EegClassifier } from '@nnkit/eeg';

/** The models `bci train` builds. */
export const MODELS = ['eegtcnet', 'eegnet', 'eeg-inception-tcn'] as const;
export type ModelName = (typeof MODELS)[number];

/** Builds a model by name (the papers' defaults). */
export function createModel(name: ModelName, nChans: number, nClasses: number, nTimes: number): EegClassifier {
  if (name === 'eegnet') return new EEGNet({ nChans, nClasses, nTimes });
  if (name === 'eeg-inception-tcn') return new EEGInceptionTCN({ nChans, nClasses });
  return new EEGTCNet({ nChans, nClasses });
}

/** Options of {@link replicaModel}. */
export interface ReplicaModelOptions {
  name: ModelName;
  nChans: number;
  nClasses: number;
  nTimes: number;
}

/** The model factory the data-parallel workers of `bci train --workers N` load (one options object). */
export function replicaModel(o: ReplicaModelOptions): EegClassifier {
  return createModel(o.name, o.nChans, o.nClasses, o.nTimes);
}
