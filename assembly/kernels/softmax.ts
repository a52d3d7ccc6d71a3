// SOFTMAX over the last axis, TFLite's reference quantized kernels.
// int8: in gemmlowp fixed point. Differences to the row maximum are scaled by beta * input_scale
// into 5 integer bits, exponentiated, summed with 12 integer bits and normalised by the
// fixed-point reciprocal. The output is int8 (scale 1/256, zero point -128) or int16 (scale 1/65536,
// zero point -32768), as TFLite requires.
// int16 (16x8): with two interpolated int16 tables built at prepare, exp on [-10, 0] and
// 1 / (1 + x) on [0, 1]. Differences are scaled so that [-10, 0] spans 65535 steps; the sum of
// exps (Q16.15) is normalised into the reciprocal table's range. Output scale 1/32768, zero point 0.

import { fieldF32 } from "../flatbuffer";
import { Graph } from "../graph";
import { expOnNegativeValues, reciprocal, reciprocalBitsOverUnit, rescale } from "../gemmlowp";
import { clamp, typeMax, typeMin, multiplyByQuantizedMultiplier, quantizedMultiplier, quantizedShift, quantizeMultiplier, roundingDivideByPOT, saturatingRoundingDoublingHighMul } from "../quant";
import { INT16_TABLE_SIZE, lookupInt16, populateInt16Table } from "../lut";
import { OptionsType } from "../schema";
import { TensorType } from "../tensor";
import { checkQuantized, checkSameElementCount, checkType, operatorError, optionsOf } from "./kernel";
import { UnaryKernel } from "./unary_kernel";

const SCALED_DIFF_INTEGER_BITS: i32 = 5;
const ACCUMULATION_INTEGER_BITS: i32 = 12;
// int16: the exp table covers differences down to -10 (exp(-10) is negligible in the sum).
const EXP_TABLE_RANGE: f64 = 10.0;
const INT16_RANGE: f64 = 65535.0;

export class Softmax extends UnaryKernel {
  inputMultiplier: i32 = 0;
  inputLeftShift: i32 = 0;
  diffMin: i32 = 0;
  /** Width of the output of the 8-bit-input path: 8 (int8) or 16 (int16). */
  outputBits: i32 = 8;

  /** int16 (16x8) tables: exp on [-10, 0] and 1 / (1 + x) on [0, 1]; empty for int8. */
  expTable: StaticArray<i16> = [];
  oneOverOnePlusXTable: StaticArray<i16> = [];

  prepare(graph: Graph): bool {
    const node = this.node;
    if (!this.bindUnary(graph)) return false;
    const input = this.input;
    const output = this.output;
    const int16 = input.type == TensorType.INT16;
    if (!int16 && !checkType(node, input, TensorType.INT8, "input")) return false;
    // int8 input may produce int8 or int16 output (TFLite's 8-to-16 softmax); int16 only int16.
    if (!(int16 || output.type == TensorType.INT16) && !checkType(node, output, TensorType.INT8, "output")) return false;
    if (int16 && !checkType(node, output, TensorType.INT16, "output")) return false;
    if (!checkQuantized(node, input, "input") || !checkQuantized(node, output, "output") || !checkSameElementCount(node, input, output)) return false;
    if (input.rank < 1) return operatorError(node, "input must have at least one dimension");
    const beta = fieldF32(optionsOf(node, OptionsType.SOFTMAX), 0, 1);
    if (int16) return this.prepareInt16(beta);
    // The output spans [0, 1) over the whole type: scale 1/256 or 1/65536, zero point at the type's minimum.
    const outputBits = output.type == TensorType.INT16 ? 16 : 8;
    const outputScale = 1.0 / <f64>(1 << outputBits);
    if (Math.abs(<f64>output.scale - outputScale) > 0.001 * outputScale || output.zeroPoint != typeMin(output.type)) {
      return operatorError(node, "output must have scale 1/" + (1 << outputBits).toString() + " and zero point " + typeMin(output.type).toString());
    }
    this.outputBits = outputBits;

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

  private prepareInt16(beta: f32): bool {
    const node = this.node;
    const input = this.input;
    const output = this.output;
    if (input.rank > 4) return operatorError(node, "int16 input must have 1 to 4 dimensions");
    if (input.zeroPoint != 0 || output.zeroPoint != 0) return operatorError(node, "int16 input and output must have zero point 0");
    if (Mathf.abs(output.scale - <f32>1 / 32768) > <f32>0.001 / 32768) return operatorError(node, "int16 output must have scale 1/32768");
    // beta * input_scale (in float, as the reference) maps [-10, 0] onto [-65535, 0].
    quantizeMultiplier(<f64>(input.scale * beta) / (EXP_TABLE_RANGE / INT16_RANGE));
    this.inputMultiplier = quantizedMultiplier;
    this.inputLeftShift = quantizedShift;
    this.expTable = new StaticArray<i16>(INT16_TABLE_SIZE);
    populateInt16Table(this.expTable, EXP_TABLE_RANGE / INT16_RANGE, i16.MAX_VALUE, 2.0 / INT16_RANGE, 0, (x: f64): f64 => Math.exp(x));
    this.oneOverOnePlusXTable = new StaticArray<i16>(INT16_TABLE_SIZE);
    populateInt16Table(this.oneOverOnePlusXTable, 1.0 / INT16_RANGE, i16.MIN_VALUE, 2.0 / INT16_RANGE, 0, (x: f64): f64 => 1.0 / (1.0 + x));
    return true;
  }

  eval(): void {
    if (this.input.type == TensorType.INT16) this.evalInt16();
    else this.evalInt8();
  }

  private evalInt8(): void {
    const input = this.input;
    const depth = input.dim(input.rank - 1);
    const rows = depth > 0 ? input.elementCount / depth : 0;
    const diffMin = this.diffMin;
    const wideOutput = this.outputBits == 16;
    const outputMin = typeMin(this.output.type);
    const outputMax = typeMax(this.output.type);
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
      const outputShift = reciprocalBitsOverUnit + 31 - this.outputBits;
      for (let c = 0; c < depth; c++) {
        const difference = <i32>load<i8>(inputRow + c) - rowMax;
        let value = outputMin;
        if (difference >= diffMin) {
          const exponential = expOnNegativeValues(this.scaleDifference(difference), SCALED_DIFF_INTEGER_BITS);
          value = clamp(roundingDivideByPOT(saturatingRoundingDoublingHighMul(scale, exponential), outputShift) + outputMin, outputMin, outputMax);
        }
        if (wideOutput) store<i16>(outputRow + (<usize>c << 1), <i16>value);
        else store<i8>(outputRow + c, <i8>value);
      }
      inputRow += <usize>depth;
      outputRow += <usize>(depth << (wideOutput ? 1 : 0));
    }
  }

  private evalInt16(): void {
    const input = this.input;
    const depth = input.dim(input.rank - 1);
    const rows = depth > 0 ? input.elementCount / depth : 0;
    const expTable = this.expTable;
    let inputRow = input.data;
    let outputRow = this.output.data;
    for (let row = 0; row < rows; row++) {
      let rowMax: i32 = i16.MIN_VALUE;
      for (let c = 0; c < depth; c++) rowMax = max(rowMax, <i32>load<i16>(inputRow + (<usize>c << 1)));

      // The exps are kept in the output row until the reciprocal of their sum is known.
      let sumOfExps: i32 = 0; // Q16.15
      for (let c = 0; c < depth; c++) {
        const difference = <i32>load<i16>(inputRow + (<usize>c << 1)) - rowMax;
        const scaled = multiplyByQuantizedMultiplier(difference, this.inputMultiplier, this.inputLeftShift);
        const exponential = lookupInt16(expTable, clamp(scaled + i16.MAX_VALUE, i16.MIN_VALUE, i16.MAX_VALUE));
        store<i16>(outputRow + (<usize>c << 1), <i16>exponential);
        sumOfExps += exponential;
      }

      // sum = 2^k * (1 + x) with x in [0, 1): the table gives 1 / (1 + x), centred on the int16 range.
      const headroomPlusOne = <i32>clz<u32>(<u32>sumOfExps);
      const shiftedSum = <i32>((((<i64>sumOfExps) << (headroomPlusOne - 1)) + (1 << 13)) >> 14);
      const centredSum = clamp(shiftedSum - ((1 << 15) + (1 << 16)), i16.MIN_VALUE, i16.MAX_VALUE);
      const reciprocal = <i64>lookupInt16(this.oneOverOnePlusXTable, centredSum);
      const rightShift = 31 - headroomPlusOne;
      const rounding = <i64>(1 << (rightShift - 1));
      for (let c = 0; c < depth; c++) {
        const exponential = <i64>load<i16>(outputRow + (<usize>c << 1));
        const value = <i32>((exponential * reciprocal + rounding) >> rightShift);
        store<i16>(outputRow + (<usize>c << 1), <i16>clamp(value, 0, i16.MAX_VALUE));
      }
      inputRow += <usize>depth << 1;
      outputRow += <usize>depth << 1;
    }
  }

  // @ts-ignore: decorator
  @inline
  private scaleDifference(difference: i32): i32 {
    return saturatingRoundingDoublingHighMul(difference * (1 << this.inputLeftShift), this.inputMultiplier);
  }
}
