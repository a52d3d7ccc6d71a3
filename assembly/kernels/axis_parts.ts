// A tensor cut into parts along one axis: CONCATENATION and PACK join the parts into the whole,
// SPLIT, SPLIT_V and UNPACK cut the whole into the parts. Seen in row-major order, the whole is
// `outerCount` repetitions of every part's next block, in part order.

import { Tensor } from "../tensor";
import { Kernel } from "./kernel";

export class AxisParts {
  whole!: Tensor;
  parts: StaticArray<Tensor> = [];
  /** Bytes of each part per outer step. */
  blockBytes: StaticArray<i32> = [];
  outerCount: i32 = 0;

  /**
   * `outerCount` is the product of the whole's extents before the axis (the parts share them).
   * The kernel has checked that the parts' sizes add up to the whole's.
   */
  configure(whole: Tensor, parts: StaticArray<Tensor>, outerCount: i32, elementSize: i32): void {
    this.whole = whole;
    this.parts = parts;
    this.outerCount = outerCount;
    this.blockBytes = new StaticArray<i32>(parts.length);
    for (let i = 0; i < parts.length; i++) {
      this.blockBytes[i] = outerCount == 0 ? 0 : parts[i].elementCount / outerCount * elementSize;
    }
  }

  join(): void {
    let to = this.whole.data;
    for (let outer = 0; outer < this.outerCount; outer++) {
      for (let i = 0; i < this.parts.length; i++) {
        const bytes = unchecked(this.blockBytes[i]);
        memory.copy(to, unchecked(this.parts[i]).data + <usize>(outer * bytes), <usize>bytes);
        to += <usize>bytes;
      }
    }
  }

  split(): void {
    let from = this.whole.data;
    for (let outer = 0; outer < this.outerCount; outer++) {
      for (let i = 0; i < this.parts.length; i++) {
        const bytes = unchecked(this.blockBytes[i]);
        memory.copy(unchecked(this.parts[i]).data + <usize>(outer * bytes), from, <usize>bytes);
        from += <usize>bytes;
      }
    }
  }
}

/** CONCATENATION and PACK: the inputs are the parts of the output. */
export class JoinKernel extends Kernel {
  parts: AxisParts = new AxisParts();

  eval(): void {
    this.parts.join();
  }
}

/** SPLIT, SPLIT_V and UNPACK: the outputs are the parts of the input. */
export class SplitKernel extends Kernel {
  parts: AxisParts = new AxisParts();

  eval(): void {
    this.parts.split();
  }
}
