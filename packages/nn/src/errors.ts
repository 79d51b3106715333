/** Raised by `loadStateDict` when keys are missing or unexpected (strict mode) or shapes differ. */
export class StateDictError extends Error {
  override readonly name = 'StateDictError';
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

/** Raised when a module receives an input of the wrong shape; names the module path. */
export class ShapeError extends Error {
  override readonly name = 'ShapeError';
  constructor(
    readonly modulePath: string,
    readonly expected: string,
    readonly got: readonly number[],
  ) {
    super(`${modulePath}: expected input of shape ${expected}, got [${got.join(', ')}]`);
  }
}
