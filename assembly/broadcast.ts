// NumPy-style broadcasting of two operands onto an output of up to 6 dimensions, as TFLite's
// binary kernels do it: shapes are aligned at the last axis and an extent of 1 repeats.
// The cursor walks the output in row-major order and tracks both operands' element indices.

import { Tensor } from "./tensor";

export const MAX_BROADCAST_RANK: i32 = 6;

export class BroadcastCursor {
  extents: StaticArray<i32> = new StaticArray<i32>(MAX_BROADCAST_RANK);
  firstStrides: StaticArray<i32> = new StaticArray<i32>(MAX_BROADCAST_RANK);
  secondStrides: StaticArray<i32> = new StaticArray<i32>(MAX_BROADCAST_RANK);
  counter: StaticArray<i32> = new StaticArray<i32>(MAX_BROADCAST_RANK);
  /** True when both operands have the output's shape: index i is i everywhere. */
  sameShapes: bool = false;
  first: i32 = 0;
  second: i32 = 0;

  /** Sets up the walk; false when the shapes do not broadcast to the output's shape. */
  configure(a: Tensor, b: Tensor, output: Tensor): bool {
    const rank = output.rank;
    if (rank > MAX_BROADCAST_RANK || a.rank > rank || b.rank > rank) return false;
    this.sameShapes = a.elementCount == output.elementCount && b.elementCount == output.elementCount;
    let firstStride = 1;
    let secondStride = 1;
    for (let axis = MAX_BROADCAST_RANK - 1; axis >= 0; axis--) {
      const fromEnd = MAX_BROADCAST_RANK - 1 - axis;
      const extent = fromEnd < rank ? output.dim(rank - 1 - fromEnd) : 1;
      const firstExtent = fromEnd < a.rank ? a.dim(a.rank - 1 - fromEnd) : 1;
      const secondExtent = fromEnd < b.rank ? b.dim(b.rank - 1 - fromEnd) : 1;
      if ((firstExtent != extent && firstExtent != 1) || (secondExtent != extent && secondExtent != 1)) return false;
      if (max(firstExtent, secondExtent) != extent && extent != 0) return false;
      this.extents[axis] = extent;
      this.firstStrides[axis] = firstExtent == 1 ? 0 : firstStride;
      this.secondStrides[axis] = secondExtent == 1 ? 0 : secondStride;
      firstStride *= firstExtent;
      secondStride *= secondExtent;
    }
    return true;
  }

  reset(): void {
    for (let axis = 0; axis < MAX_BROADCAST_RANK; axis++) unchecked(this.counter[axis] = 0);
    this.first = 0;
    this.second = 0;
  }

  /** Moves to the next output element. */
  advance(): void {
    let axis = MAX_BROADCAST_RANK - 1;
    this.first += unchecked(this.firstStrides[axis]);
    this.second += unchecked(this.secondStrides[axis]);
    let count = unchecked(this.counter[axis]) + 1;
    while (count == unchecked(this.extents[axis]) && axis > 0) {
      unchecked(this.counter[axis] = 0);
      this.first -= count * unchecked(this.firstStrides[axis]);
      this.second -= count * unchecked(this.secondStrides[axis]);
      axis--;
      this.first += unchecked(this.firstStrides[axis]);
      this.second += unchecked(this.secondStrides[axis]);
      count = unchecked(this.counter[axis]) + 1;
    }
    unchecked(this.counter[axis] = count);
  }
}
