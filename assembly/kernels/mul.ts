// MUL, int8 with broadcasting: TFLite's reference quantized multiply. The product of the two
// zero-point-corrected inputs is requantized once, by input1_scale * input2_scale / output_scale.

import { Graph } from "../graph";
import { clamp, multiplyByQuantizedMultiplier } from "../quant";
import { OptionsType } from "../schema";
import { TensorType } from "../tensor";
import { combineElements, QuantizedBinaryKernel } from "./binary_kernel";

const OPERAND_TYPES: StaticArray<i32> = [TensorType.INT8];

export class Mul extends QuantizedBinaryKernel {
  prepare(graph: Graph): bool {
    if (!this.bindQuantized(graph, OPERAND_TYPES, OptionsType.MUL)) return false;
    // The reference multiplies and divides the scales in float, then widens to double.
    this.setOutputMultiplier(<f64>(this.first.scale * this.second.scale / this.output.scale));
    return true;
  }

  eval(): void {
    combineElements<i8, Mul>(this);
  }

  // @ts-ignore: decorator
  @inline
  combine(firstValue: i32, secondValue: i32): i32 {
    const product = (firstValue + this.firstOffset) * (secondValue + this.secondOffset);
    return clamp(multiplyByQuantizedMultiplier(product, this.outputMultiplier, this.outputShift) + this.outputOffset, this.outputMin, this.outputMax);
  }
}
