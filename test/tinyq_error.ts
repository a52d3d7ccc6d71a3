// Asserts that a call fails with a TinyqError (not a raw exception) whose message matches.

import * as assert from 'uvu/assert';
import { TinyqError, type TinyqErrorCode } from '../src/index.js';

export function throwsTinyqError(fn: () => unknown, pattern: RegExp, code?: TinyqErrorCode): TinyqError {
  try {
    fn();
  } catch (error) {
    assert.instance(error, TinyqError, `expected a TinyqError, got ${error}`);
    assert.match((error as Error).message, pattern);
    if (code !== undefined) assert.is((error as TinyqError).code, code);
    return error as TinyqError;
  }
  throw new assert.Assertion({ message: `expected a TinyqError matching ${pattern}` } as never);
}
