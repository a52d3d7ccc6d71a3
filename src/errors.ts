// Every failure tinyq reports is a TinyqError with a stable code, never a raw engine trap.

/** Engine status codes (see runtime/tinyq.h) and the host's own error kinds. */
export type TinyqErrorCode =
  | 'MALFORMED_MODEL'
  | 'UNSUPPORTED_OPERATOR'
  | 'UNSUPPORTED_TYPE'
  | 'INVALID_MODEL'
  | 'OUT_OF_MEMORY'
  | 'NOT_READY'
  | 'INVALID_ARGUMENT'
  | 'INVALID_INPUT'
  | 'ENGINE_FAILURE'
  | 'IO_ERROR';

/** Engine status values as assembly/status.ts numbers them (0 is success). */
export const ENGINE_STATUS: Readonly<Record<number, TinyqErrorCode>> = {
  1: 'MALFORMED_MODEL',
  2: 'UNSUPPORTED_OPERATOR',
  3: 'UNSUPPORTED_TYPE',
  4: 'INVALID_MODEL',
  5: 'OUT_OF_MEMORY',
  6: 'NOT_READY',
  7: 'INVALID_ARGUMENT',
};

export class TinyqError extends Error {
  readonly code: TinyqErrorCode;

  constructor(code: TinyqErrorCode, message: string) {
    super(message);
    this.name = 'TinyqError';
    this.code = code;
  }
}
