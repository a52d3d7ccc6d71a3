// Status codes returned by every engine entry point, and the last error message.
// The message lives in a fixed buffer so that reporting an error never allocates.

export const enum Status {
  OK = 0,
  MALFORMED_MODEL = 1,
  UNSUPPORTED_OPERATOR = 2,
  UNSUPPORTED_TYPE = 3,
  INVALID_MODEL = 4,
  OUT_OF_MEMORY = 5,
  NOT_READY = 6,
  INVALID_ARGUMENT = 7,
}

const MESSAGE_CAPACITY: i32 = 512;
const messageBuffer: usize = memory.data(MESSAGE_CAPACITY);
let messageLength: i32 = 0;
let lastStatus: i32 = Status.OK;

export function errorCode(): i32 {
  return lastStatus;
}

export function errorMessagePointer(): usize {
  return messageBuffer;
}

export function errorMessageLength(): i32 {
  return messageLength;
}

export function clearError(): void {
  lastStatus = Status.OK;
  messageLength = 0;
}

export function hasError(): bool {
  return lastStatus != Status.OK;
}

/** Records the first error of an operation; later ones would only repeat its consequences. */
export function fail(status: Status, message: string): bool {
  if (lastStatus != Status.OK) return false;
  lastStatus = status;
  // A UTF-16 unit takes at most 3 UTF-8 bytes; cut long messages so they always fit.
  let units = message.length;
  if (String.UTF8.byteLength(message) > MESSAGE_CAPACITY) units = MESSAGE_CAPACITY / 3;
  messageLength = <i32>String.UTF8.encodeUnsafe(changetype<usize>(message), units, messageBuffer);
  return false;
}
