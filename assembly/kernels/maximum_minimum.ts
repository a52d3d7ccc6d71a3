// MAXIMUM and MINIMUM, int8 with broadcasting: TFLite's reference compares the stored values
// directly, so the output is one of the two inputs' bytes, without requantization (the converter
// gives both inputs and the output one scale and zero point).

import { Graph } from "../graph";
import { TensorType } from "../tensor";
import { BinaryKernel, combineElements } from "./binary_kernel";

const OPERAND_TYPES: StaticArray<i32> = [TensorType.INT8];

export class MaximumMinimum extends BinaryKernel {
  constructor(readonly maximum: bool) {
    super();
  }

  prepare(graph: Graph): bool {
    return this.bindBinary(graph, OPERAND_TYPES);
  }

  eval(): void {
    combineElements<i8, MaximumMinimum>(this);
  }

  // @ts-ignore: decorator
  @inline
  combine(firstValue: i32, secondValue: i32): i32 {
    return this.maximum ? max(firstValue, secondValue) : min(firstValue, secondValue);
  }
}
