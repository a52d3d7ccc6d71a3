// SQUARED_DIFFERENCE, int8 with broadcasting: TFLite's reference quantized kernel. Like ADD's,
// both inputs are rescaled to twice the larger input scale, here with 7 bits of headroom; their
// difference is squared (so the scale squares too) and requantized to the output.

import { Graph } from "../graph";
import { clamp, multiplyByQuantizedMultiplier } from "../quant";
import { OptionsType } from "../schema";
import { TensorType } from "../tensor";
import { combineElements, RescalingBinaryKernel } from "./binary_kernel";

const LEFT_SHIFT: i32 = 7;
const OPERAND_TYPES: StaticArray<i32> = [TensorType.INT8];

export class SquaredDifference extends RescalingBinaryKernel {
  prepare(graph: Graph): bool {
    if (!this.bindQuantized(graph, OPERAND_TYPES, OptionsType.NONE)) return false;
    const twiceMaxInputScale = this.rescaleInputs();
    this.setOutputMultiplier(twiceMaxInputScale * twiceMaxInputScale / <f64>(<f32>(1 << (2 * LEFT_SHIFT)) * this.output.scale));
    return true;
  }

  eval(): void {
    combineElements<i8, SquaredDifference>(this);
  }

  // @ts-ignore: decorator
  @inline
  combine(firstValue: i32, secondValue: i32): i32 {
    const difference = this.rescaleFirst(firstValue, LEFT_SHIFT) - this.rescaleSecond(secondValue, LEFT_SHIFT);
    const squared = multiplyByQuantizedMultiplier(difference * difference, this.outputMultiplier, this.outputShift);
    return clamp(squared + this.outputOffset, this.outputMin, this.outputMax);
  }
}
