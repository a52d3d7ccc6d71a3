// Engine memory: a bump allocator (AssemblyScript's stub runtime) that is reset at every load,
// with a byte limit the host can set. Growth is checked here first, so the runtime never
// reaches its out-of-memory trap: a model that does not fit is refused with the size it needs.

import { fail, Status } from "./status";

const PAGE_BYTES: u64 = 65536;
// Slack for the small bookkeeping objects allocated between two checked reservations.
const BOOKKEEPING_SLACK: u64 = 65536;

let memoryLimit: u64 = 0xFFFFFFFF;

export function setMemoryLimit(bytes: u64): void {
  memoryLimit = bytes;
}

/** Where the next allocation would start. */
function heapTop(): usize {
  const probe = heap.alloc(0);
  heap.free(probe); // the stub runtime takes back the most recent block
  return probe;
}

/** Grows linear memory so that `bytes` more (plus slack) can be allocated without trapping. */
export function reserve(bytes: u64, what: string): bool {
  const needed = <u64>heapTop() + bytes + BOOKKEEPING_SLACK;
  if (needed > memoryLimit) {
    return fail(Status.OUT_OF_MEMORY, what + " needs " + needed.toString() + " bytes of engine memory; the limit is " + memoryLimit.toString());
  }
  const have = <u64>memory.size() * PAGE_BYTES;
  if (needed > have) {
    const pages = <i32>((needed - have + PAGE_BYTES - 1) / PAGE_BYTES);
    if (memory.grow(pages) < 0) {
      return fail(Status.OUT_OF_MEMORY, what + " needs " + needed.toString() + " bytes of engine memory; the runtime refused to grow memory");
    }
  }
  return true;
}

/** A zeroed, 16-byte aligned block of `bytes`, or 0 (with the error set) if it does not fit. */
export function allocate(bytes: u64, what: string): usize {
  if (!reserve(bytes, what)) return 0;
  const pointer = heap.alloc(<usize>max<u64>(bytes, 16));
  memory.fill(pointer, 0, <usize>bytes);
  return pointer;
}

/** Forgets everything allocated so far: the next model starts from an empty heap. */
export function resetHeap(): void {
  __reset();
}

/** Bytes of linear memory in use, for the host's report. */
export function heapBytes(): usize {
  return heapTop();
}
