import { NnkitError, ShapeError } from '@nnkit/tensor';

export { ShapeError };

/** Raised by `loadStateDict` when keys are missing or unexpected (strict mode) or shapes differ. */
export class StateDictError extends NnkitError {
  override readonly code: string = 'state-dict';
  constructor(
    readonly modulePath: string,
    readonly missingKeys: string[],
    readonly unexpectedKeys: string[],
    readonly shapeMismatches: string[],
  ) {
    const parts: string[] = [];
    if (missingKeys.length) parts.push(`missing keys: ${missingKeys.join(', ')}`);
    if (unexpectedKeys.length) parts.push(`unexpected keys: ${unexpectedKeys.join(', ')}`);
    if (shapeMismatches.length) parts.push(`shape mismatches: ${shapeMismatches.join('; ')}`);
    super(`Error(s) in loading state_dict for ${modulePath}: ${parts.join('. ')}`);
  }
}
