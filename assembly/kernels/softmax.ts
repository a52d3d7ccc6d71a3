// SOFTMAX, int8: TFLite's reference quantized softmax over the last axis, in gemmlowp fixed
// point. Differences to the row maximum are scaled by beta * input_scale into 5 integer bits,
// exponentiated, summed with 12 integer bits and normalised by the fixed-point reciprocal.
// The output scale is 1/256 with zero point -128, as TFLite requires.

import { fieldF32 } from "../flatbuffer";
import { Graph } from "../graph";
import { expOnNegativeValues, reciprocal, reciprocalBitsOverUnit, rescale } from "../gemmlowp";
import { clamp, quantizedMultiplier, quantizedShift, quantizeMultiplier, roundingDivideByPOT, saturatingRoundingDoublingHighMul } from "../quant";
import { OptionsType } from "../schema";
import { TensorType } from "../tensor";
import { checkQuantized, checkSameElementCount, checkType, operatorError, optionsOf } from "./kernel";
import { UnaryKernel } from "./unary_kernel";

const SCALED_DIFF_INTEGER_BITS: i32 = 5;
const ACCUMULATION_INTEGER_BITS: i32 = 12;

export class Softmax extends UnaryKernel {
  inputMultiplier: i32 = 0;
  inputLeftShift: i32 = 0;
  diffMin: i32 = 0;

  prepare(graph: Graph): bool {
    const node = this.node;
    if (!this.bindUnary(graph)) return false;
    const input = this.input;
    const output = this.output;
    if (!checkType(node, input, TensorType.INT8, "input") || !checkType(node, output, TensorType.INT8, "output")) return false;
    if (!checkQuantized(node, input, "input") || !checkQuantized(node, output, "output") || !checkSameElementCount(node, input, output)) return false;
    if (input.rank < 1) return operatorError(node, "input must have at least one dimension");
    if (Math.abs(<f64>output.scale - 1.0 / 256) > 0.001 / 256 || output.zeroPoint != -128) return operatorError(node, "int8 output must have scale 1/256 and zero point -128");

    const beta = fieldF32(optionsOf(node, OptionsType.SOFTMAX), 0, 1);
    // TFLite's PreprocessSoftmaxScaling: beta * input_scale in Q5.26, capped below 2^31.
    const realMultiplier = min<f64>(<f64>beta * <f64>input.scale * <f64>(1 << (31 - SCALED_DIFF_INTEGER_BITS)), 2147483647.0);
    quantizeMultiplier(realMultiplier);
    if (!(beta > 0) || quantizedShift < 0) return operatorError(node, "beta * input scale is too small for the fixed-point softmax");
    this.inputMultiplier = quantizedMultiplier;
    this.inputLeftShift = quantizedShift;
    // TFLite's CalculateInputRadius: the most negative difference that still contributes.
    const maxInputRescaled = <f64>((1 << SCALED_DIFF_INTEGER_BITS) - 1) * <f64>(<i64>1 << (31 - SCALED_DIFF_INTEGER_BITS))
      / <f64>(<i64>1 << this.inputLeftShift);
    this.diffMin = -<i32>Math.floor(maxInputRescaled);
    return true;
  }

  eval(): void {
    const input = this.input;
    const depth = input.dim(input.rank - 1);
    const rows = depth > 0 ? input.elementCount / depth : 0;
    const diffMin = this.diffMin;
    let inputRow = input.data;
    let outputRow = this.output.data;
    for (let row = 0; row < rows; row++) {
      let rowMax: i32 = -128;
      for (let c = 0; c < depth; c++) rowMax = max(rowMax, <i32>load<i8>(inputRow + c));

      let sumOfExps: i32 = 0; // 12 integer bits
      for (let c = 0; c < depth; c++) {
        const difference = <i32>load<i8>(inputRow + c) - rowMax;
        if (difference >= diffMin) {
          sumOfExps += rescale(expOnNegativeValues(this.scaleDifference(difference), SCALED_DIFF_INTEGER_BITS), 0, ACCUMULATION_INTEGER_BITS);
        }
      }

      const scale = reciprocal(sumOfExps, ACCUMULATION_INTEGER_BITS);
      const outputShift = reciprocalBitsOverUnit + 31 - 8;
      for (let c = 0; c < depth; c++) {
        const difference = <i32>load<i8>(inputRow + c) - rowMax;
        let value: i32 = -128;
        if (difference >= diffMin) {
          const exponential = expOnNegativeValues(this.scaleDifference(difference), SCALED_DIFF_INTEGER_BITS);
          value = clamp(roundingDivideByPOT(saturatingRoundingDoublingHighMul(scale, exponential), outputShift) - 128, -128, 127);
        }
        store<i8>(outputRow + c, <i8>value);
      }
      inputRow += <usize>depth;
      outputRow += <usize>depth;
    }
  }

  // @ts-ignore: decorator
  @inline
  private scaleDifference(difference: i32): i32 {
    return saturatingRoundingDoublingHighMul(difference * (1 << this.inputLeftShift), this.inputMultiplier);
  }
}
