// Engine memory: a bump allocator (AssemblyScript's stub runtime) that is reset at every load,
// with a byte limit the host can set. The stub traps when the runtime refuses to grow memory,
// so memory is grown here first, by a check before every step that allocates: reserve(bytes)
// covers a block of that size, or a bound on the small objects of one step (a tensor, an
// operator, a kernel's prepare). Each check also keeps MESSAGE_HEADROOM free, so that building
// an error message never needs memory the runtime refused. The highest point a check asked for
// is what the loaded model needs: with a limit of that many bytes it loads again.

import { fail, Status } from "./status";

const PAGE_BYTES: u64 = 65536;
/** Room for building one error message, whose parts are concatenated on the heap. */
const MESSAGE_HEADROOM: u64 = 4096;

let memoryLimit: u64 = 0xFFFFFFFF;
/** The highest heap top a check asked for since the last load. */
let bytesNeeded: u64 = 0;
/** Where resetHeap() rewinds to: the start of the heap, or above what the host keeps (keepHeap). */
let heapFloor: usize = 0;

export function setMemoryLimit(bytes: u64): void {
  memoryLimit = bytes;
}

/** Where the next allocation would start. */
function heapTop(): usize {
  const probe = heap.alloc(0);
  heap.free(probe); // the stub runtime takes back the most recent block
  return probe;
}

/**
 * Grows linear memory so that the next `bytes` can be allocated without trapping, plus the
 * headroom for the message of a later check that fails; the last block of a load needs none.
 */
export function reserve(bytes: u64, what: string, last: bool = false): bool {
  const needed = <u64>heapTop() + bytes + (last ? 0 : MESSAGE_HEADROOM);
  if (needed > memoryLimit) {
    return fail(Status.OUT_OF_MEMORY, what + " needs " + needed.toString() + " bytes of engine memory; the limit is " + memoryLimit.toString());
  }
  const have = <u64>memory.size() * PAGE_BYTES;
  if (needed > have) {
    const pages = <i32>((needed - have + PAGE_BYTES - 1) / PAGE_BYTES);
    if (memory.grow(pages) < 0) {
      return fail(Status.OUT_OF_MEMORY, what + " needs " + needed.toString() + " bytes of engine memory; the runtime refused to grow it past " + have.toString());
    }
  }
  if (needed > bytesNeeded) bytesNeeded = needed;
  return true;
}

/** How far a block of `bytes` moves the heap's top: its header, rounded to 16 bytes. */
export function blockBytes(bytes: u64): u64 {
  return (bytes + 19) & ~15;
}

/** A zeroed, 16-byte aligned block, or 0 (with the error set) if it does not fit. */
export function allocate(bytes: u64, what: string, last: bool = false): usize {
  if (!reserve(blockBytes(bytes), what, last)) return 0;
  const pointer = heap.alloc(<usize>bytes);
  memory.fill(pointer, 0, <usize>bytes);
  return pointer;
}

/** The last block of a load, which needs no headroom for later messages. */
export function allocateLast(bytes: u64, what: string): usize {
  return allocate(bytes, what, true);
}

/** Forgets everything allocated since keepHeap(): the next model starts from an empty heap. */
export function resetHeap(): void {
  rewindHeap(heapFloor);
  bytesNeeded = <u64>heapTop() + MESSAGE_HEADROOM;
}

/** Where the heap's top is now, to rewind to later (rewindHeap). */
export function heapMark(): usize {
  return heapTop();
}

/** Frees every block allocated since `mark` (at least the start of the heap): their bytes are reused. */
export function rewindHeap(mark: usize): void {
  __reset();
  // A block of n bytes moves the stub's top by n + 16 (rounded to 16): land exactly on the mark.
  const start = heapTop();
  if (mark > start) heap.alloc(mark - start - 16);
}

/**
 * Keeps what is allocated so far through every later load: a host compiled into the module
 * (the WASI command) allocates its own data first, then loads models above it.
 */
export function keepHeap(): void {
  heapFloor = heapTop();
}

/** Bytes of linear memory the loaded model needs: the heap in use and the headroom its checks kept. */
export function heapBytes(): usize {
  return <usize>max<u64>(bytesNeeded, <u64>heapTop());
}
