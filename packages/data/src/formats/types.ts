/** One signal (channel) of a recording, with its calibration. */
export interface ChannelInfo {
  /** Channel label as stored (latin1, trimmed), e.g. `'C3..'`. */
  label: string;
  /** Physical unit, e.g. `'uV'`. */
  unit: string;
  physicalMin: number;
  physicalMax: number;
  digitalMin: number;
  digitalMax: number;
  /** Samples per second of this channel. */
  sampleRate: number;
  transducer?: string;
  prefilter?: string;
}

/** An event (annotation) of a recording. */
export interface EegEvent {
  /** Onset in seconds from the start of the recording. */
  onset: number;
  /** Duration in seconds (0 when none). */
  duration: number;
  /** Text of the annotation (EDF+ TAL text, WFDB aux/mnemonic, GDF code as text). */
  description: string;
  /** Numeric event code when the format has one (GDF type, WFDB annotation code). */
  code?: number;
  /** Channel the event refers to (GDF CHN, 1-based; 0 = all), when given. */
  channel?: number;
}

/**
 * A continuous recording in physical units: the common result of {@link readEdf},
 * {@link readGdf} (and what {@link epochs} cuts from).
 *
 * `signals[c]` holds channel `c` as float32 in physical units; channels may have different
 * lengths when their sample rates differ. Use {@link rawToArray} for one `(C, T)` array.
 */
export interface Raw {
  channels: ChannelInfo[];
  /** Common sample rate in Hz when all channels agree, else `undefined`. */
  sampleRate: number | undefined;
  /** Per-channel samples in physical units. */
  signals: Float32Array[];
  /** Events, sorted by onset. */
  events: EegEvent[];
  /** Start of the recording (from the header; local time as written). */
  startTime: Date | undefined;
  /** Format-specific header fields (patient, recording, version, …). */
  meta: Record<string, unknown>;
}
