import { describe, expect, it } from 'vitest';
import { TRIAL_NODE_DEFAULTS, trialExecArgv } from './trial-processes.js';

describe('trial process flags', () => {
  it('adds the defaults to the given flags', () => {
    expect(trialExecArgv(['--conditions=@nnkit/source'])).toEqual(['--conditions=@nnkit/source', ...TRIAL_NODE_DEFAULTS]);
  });
  it('keeps a flag the user set, in either spelling', () => {
    expect(trialExecArgv(['--max-semi-space-size=8'])).toEqual(['--max-semi-space-size=8']);
    expect(trialExecArgv(['--max_semi_space_size=8'])).toEqual(['--max_semi_space_size=8']);
  });
});
