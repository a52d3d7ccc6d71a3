// L2_NORMALIZATION, int8: TFLite's reference integer L2Normalization over the last axis. Each
// row's sum of squares (int32) gives a fixed-point 1 / sqrt multiplier, which requantizes the
// row straight to the output scale 1/128 (zero point 0), so outputs span [-1, 127/128].

import { fieldI8 } from "../flatbuffer";
import { invSqrtMultiplier, invSqrtQuantizedMultiplier, invSqrtShift } from "../gemmlowp";
import { Graph } from "../graph";
import { clamp, multiplyByQuantizedMultiplier } from "../quant";
import { Activation, OptionsType } from "../schema";
import { operatorError, optionsOf, tensorLabel } from "./kernel";
import { UnaryKernel } from "./unary_kernel";

const OUTPUT_FRACTIONAL_BITS: i32 = 7;

export class L2Normalization extends UnaryKernel {
  prepare(graph: Graph): bool {
    const node = this.node;
    if (!this.bindInt8(graph)) return false;
    const input = this.input;
    const output = this.output;
    if (input.rank < 1 || input.rank > 4) return operatorError(node, "input " + tensorLabel(input) + " must have 1 to 4 dimensions");
    if (output.scale != <f32>(1.0 / 128) || output.zeroPoint != 0) return operatorError(node, "int8 output must have scale 1/128 and zero point 0");
    if (fieldI8(optionsOf(node, OptionsType.L2_NORM), 0, Activation.NONE) != Activation.NONE) {
      return operatorError(node, "a fused activation is not supported");
    }
    return true;
  }

  eval(): void {
    const input = this.input;
    const zeroPoint = input.zeroPoint;
    const depth = input.dim(input.rank - 1);
    const rows = depth > 0 ? input.elementCount / depth : 0;
    let inputRow = input.data;
    let outputRow = this.output.data;
    for (let row = 0; row < rows; row++) {
      let sumOfSquares: i32 = 0;
      for (let c = 0; c < depth; c++) {
        const value = <i32>load<i8>(inputRow + c) - zeroPoint;
        sumOfSquares += value * value;
      }
      invSqrtQuantizedMultiplier(sumOfSquares);
      const multiplier = invSqrtMultiplier;
      const shift = invSqrtShift + OUTPUT_FRACTIONAL_BITS;
      for (let c = 0; c < depth; c++) {
        const value = <i32>load<i8>(inputRow + c) - zeroPoint;
        store<i8>(outputRow + c, <i8>clamp(multiplyByQuantizedMultiplier(value, multiplier, shift), -128, 127));
      }
      inputRow += <usize>depth;
      outputRow += <usize>depth;
    }
  }
}
