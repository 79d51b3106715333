import { FormatError } from '@nnkit/tensor';

/**
 * Hand-written checks of the JSON nnkit writes next to tensors (a checkpoint's `state.json`, a
 * saved model's `.json`): a dozen fields, so a schema library would weigh more than the checks.
 * Each failure is a {@link FormatError} naming the file and the field.
 */
export class JsonChecker {
  constructor(
    readonly format: string,
    readonly file: string,
  ) {}

  fail(reason: string): never {
    throw new FormatError(this.format, this.file, reason);
  }

  /** Decodes and parses the bytes; refuses anything but a JSON object. */
  parse(bytes: Uint8Array): Record<string, unknown> {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      this.fail('not valid UTF-8 text');
    }
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      this.fail(`not valid JSON (${(e as Error).message})`);
    }
    return this.object(v, 'the document');
  }

  object(v: unknown, what: string): Record<string, unknown> {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.fail(`${what} must be a JSON object, got ${describe(v)}`);
    return v as Record<string, unknown>;
  }

  /** A non-negative safe integer (epochs, steps, counts). */
  count(o: Record<string, unknown>, key: string): number {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) this.fail(`'${key}' must be a non-negative integer, got ${describe(v)}`);
    return v;
  }

  finite(o: Record<string, unknown>, key: string): number {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(`'${key}' must be a finite number, got ${describe(v)}`);
    return v;
  }

  /** A finite number or `null` (best scores before the first evaluation). */
  finiteOrNull(o: Record<string, unknown>, key: string): number | null {
    const v = o[key];
    if (v === null || v === undefined) return null;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(`'${key}' must be a finite number or null, got ${describe(v)}`);
    return v;
  }

  string(o: Record<string, unknown>, key: string): string {
    const v = o[key];
    if (typeof v !== 'string') this.fail(`'${key}' must be a string, got ${describe(v)}`);
    return v;
  }

  array(o: Record<string, unknown>, key: string): unknown[] {
    const v = o[key];
    if (!Array.isArray(v)) this.fail(`'${key}' must be an array, got ${describe(v)}`);
    return v;
  }

  /** An array of `[step, value]` pairs (history curves). */
  points(o: Record<string, unknown>, key: string, optional = false): [number, number][] {
    if (optional && o[key] === undefined) return [];
    const a = this.array(o, key);
    for (const [i, p] of a.entries()) {
      if (!Array.isArray(p) || p.length !== 2 || !Number.isSafeInteger(p[0]) || (p[0] as number) < 0 || typeof p[1] !== 'number') {
        this.fail(`'${key}[${i}]' must be a [step, value] pair, got ${describe(p)}`);
      }
    }
    return a as [number, number][];
  }

  /** An object of numbers (logs). */
  numbers(o: Record<string, unknown>, key: string): Record<string, number> {
    const v = this.object(o[key], `'${key}'`);
    for (const [k, x] of Object.entries(v)) if (typeof x !== 'number') this.fail(`'${key}.${k}' must be a number, got ${describe(x)}`);
    return v as Record<string, number>;
  }
}

/** A short description of a JSON value for error messages. */
export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = Array.isArray(v) ? 'a deeply nested array' : typeof v;
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
