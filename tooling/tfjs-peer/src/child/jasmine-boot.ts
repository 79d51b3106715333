// Boots jasmine-core 3 the way its own boot file does, with the jasmine globals (`describe`,
// `it`, `expect`, `jasmine`, …) that tfjs-core's specs and its jasmine_util use.
// @ts-expect-error jasmine-core ships no types for this file
import jasmineRequire from 'jasmine-core/lib/jasmine-core/jasmine.js';

interface JasmineEnv {
  configure(c: Record<string, unknown>): void;
  addReporter(r: Record<string, (...a: never[]) => void>): void;
  execute(ids?: unknown, done?: () => void): Promise<unknown> | void;
}

const j$ = jasmineRequire.core(jasmineRequire);
/** The jasmine environment the specs register into. */
export const jasmineEnv: JasmineEnv = j$.getEnv();
Object.assign(globalThis, jasmineRequire.interface(j$, jasmineEnv));
j$.DEFAULT_TIMEOUT_INTERVAL = 20_000;
jasmineEnv.configure({ random: false, failSpecWithNoExpectations: false, stopOnSpecFailure: false });
