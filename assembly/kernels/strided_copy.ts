// The multi-dimensional walk behind the data-movement kernels (TRANSPOSE, SLICE, STRIDED_SLICE,
// PAD, SPACE_TO_DEPTH, DEPTH_TO_SPACE): a box of up to MAX_COPY_RANK axes is walked in row-major
// order, each axis stepping the source and the destination by its own byte stride (which may be
// negative or zero). Prepare describes the box once; axes that are contiguous on both sides are
// merged, so the innermost step copies the longest run of bytes it can.

import { UnaryKernel } from "./unary_kernel";

export const MAX_COPY_RANK: i32 = 6;

export class StridedCopy {
  rank: i32 = 0;
  extents: StaticArray<i32> = new StaticArray<i32>(MAX_COPY_RANK);
  sourceStrides: StaticArray<i32> = new StaticArray<i32>(MAX_COPY_RANK);
  destinationStrides: StaticArray<i32> = new StaticArray<i32>(MAX_COPY_RANK);
  counter: StaticArray<i32> = new StaticArray<i32>(MAX_COPY_RANK);
  /** Byte offsets of the box's first element in the source and the destination. */
  sourceOffset: i32 = 0;
  destinationOffset: i32 = 0;
  elementSize: i32 = 1;
  /** Bytes copied at each innermost step: one element, or a run of contiguous elements. */
  runBytes: i32 = 0;
  empty: bool = false;

  /** Starts a new box of elements of `elementSize` bytes. */
  begin(elementSize: i32): void {
    this.rank = 0;
    this.elementSize = elementSize;
    this.sourceOffset = 0;
    this.destinationOffset = 0;
    this.empty = false;
  }

  /** Moves the box's first element by `sourceElements` / `destinationElements` elements. */
  offset(sourceElements: i32, destinationElements: i32): void {
    this.sourceOffset += sourceElements * this.elementSize;
    this.destinationOffset += destinationElements * this.elementSize;
  }

  /**
   * Appends an axis inside the ones added before (outermost first). Strides are in elements.
   * At most MAX_COPY_RANK axes of extent above 1 may be added.
   */
  axis(extent: i32, sourceStride: i32, destinationStride: i32): void {
    if (extent == 0) this.empty = true;
    if (extent <= 1) return;
    const size = this.elementSize;
    const last = this.rank - 1;
    // An axis that continues the previous one on both sides extends it.
    if (last >= 0 && this.sourceStrides[last] == extent * sourceStride * size && this.destinationStrides[last] == extent * destinationStride * size) {
      this.extents[last] *= extent;
      this.sourceStrides[last] = sourceStride * size;
      this.destinationStrides[last] = destinationStride * size;
      return;
    }
    this.extents[this.rank] = extent;
    this.sourceStrides[this.rank] = sourceStride * size;
    this.destinationStrides[this.rank] = destinationStride * size;
    this.rank++;
  }

  /** Completes the description: an innermost axis contiguous on both sides becomes one run. */
  end(): void {
    const last = this.rank - 1;
    const size = this.elementSize;
    this.runBytes = size;
    if (last >= 0 && this.sourceStrides[last] == size && this.destinationStrides[last] == size) {
      this.runBytes = this.extents[last] * size;
      this.rank--;
    }
  }

  /** Copies the box from `source` to `destination` (tensor base addresses). */
  copy(source: usize, destination: usize): void {
    if (this.empty) return;
    let from = source + <usize>this.sourceOffset;
    let to = destination + <usize>this.destinationOffset;
    const rank = this.rank;
    if (rank == 0) {
      copyRun(from, to, this.runBytes);
      return;
    }
    const inner = rank - 1;
    const innerExtent = unchecked(this.extents[inner]);
    const innerSourceStride = <usize>unchecked(this.sourceStrides[inner]);
    const innerDestinationStride = <usize>unchecked(this.destinationStrides[inner]);
    const runBytes = this.runBytes;
    for (let axis = 0; axis < inner; axis++) unchecked(this.counter[axis] = 0);
    while (true) {
      let innerFrom = from;
      let innerTo = to;
      for (let i = 0; i < innerExtent; i++) {
        copyRun(innerFrom, innerTo, runBytes);
        innerFrom += innerSourceStride;
        innerTo += innerDestinationStride;
      }
      // Odometer over the outer axes.
      let axis = inner - 1;
      while (axis >= 0) {
        const count = unchecked(this.counter[axis]) + 1;
        from += <usize>unchecked(this.sourceStrides[axis]);
        to += <usize>unchecked(this.destinationStrides[axis]);
        if (count < unchecked(this.extents[axis])) {
          unchecked(this.counter[axis] = count);
          break;
        }
        unchecked(this.counter[axis] = 0);
        from -= <usize>(count * unchecked(this.sourceStrides[axis]));
        to -= <usize>(count * unchecked(this.destinationStrides[axis]));
        axis--;
      }
      if (axis < 0) return;
    }
  }
}

/** A kernel whose whole evaluation is one strided copy from its input to its output. */
export class StridedCopyKernel extends UnaryKernel {
  walk: StridedCopy = new StridedCopy();

  eval(): void {
    this.walk.copy(this.input.data, this.output.data);
  }
}

/** Copies one run of `bytes` bytes (an element of 1, 2, 4 or 8 bytes takes one load and store). */
// @ts-ignore: decorator
@inline
export function copyRun(from: usize, to: usize, bytes: i32): void {
  switch (bytes) {
    case 1: store<u8>(to, load<u8>(from)); break;
    case 2: store<u16>(to, load<u16>(from)); break;
    case 4: store<u32>(to, load<u32>(from)); break;
    case 8: store<u64>(to, load<u64>(from)); break;
    default: memory.copy(to, from, <usize>bytes);
  }
}

/** Row-major element strides of a shape: the last axis has stride 1. */
export function elementStrides(shape: StaticArray<i32>): StaticArray<i32> {
  const strides = new StaticArray<i32>(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis];
  }
  return strides;
}

/** The bytes of the element (of 1, 2, 4 or 8 bytes) at `data`, as fillElements takes them. */
export function elementBits(data: usize, elementSize: i32): u64 {
  switch (elementSize) {
    case 1: return <u64>load<u8>(data);
    case 2: return <u64>load<u16>(data);
    case 4: return <u64>load<u32>(data);
    default: return load<u64>(data);
  }
}

/** Writes `count` copies of one element of `elementSize` bytes (1, 2, 4 or 8) from `destination`. */
export function fillElements(destination: usize, count: i32, elementSize: i32, bits: u64): void {
  switch (elementSize) {
    case 1: {
      memory.fill(destination, <u8>bits, <usize>count);
      break;
    }
    case 2: {
      for (let i = 0; i < count; i++) store<u16>(destination + (<usize>i << 1), <u16>bits);
      break;
    }
    case 4: {
      for (let i = 0; i < count; i++) store<u32>(destination + (<usize>i << 2), <u32>bits);
      break;
    }
    default: {
      for (let i = 0; i < count; i++) store<u64>(destination + (<usize>i << 3), bits);
    }
  }
}
