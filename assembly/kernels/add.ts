// ADD, int8 and int16 (16x8 mode) with broadcasting: TFLite's reference quantized add. Both
// inputs are rescaled to a common scale (twice the larger input scale) with 20 bits of headroom
// (15 for int16), summed, and the sum requantized to the output. SUB (sub.ts) is this kernel
// with the second rescaled term subtracted, as TFLite's reference computes it.
// int16 operands whose scales are all powers of two, with the options' pot_scale_int16 set, take
// TFLite's older fixed-point path instead: the input finer than the output is shifted onto the
// output's scale and the two are added, saturating.

import { fieldU8 } from "../flatbuffer";
import { Graph } from "../graph";
import { checkedLog2, clamp, log2Rounded, multiplyByQuantizedMultiplier, roundingDivideByPOT } from "../quant";
import { OptionsType } from "../schema";
import { TensorType } from "../tensor";
import { requantizeShiftedX4, requantizeUniformX4 } from "../microkernels/requantize_x4";
import { combineElements, RescalingBinaryKernel } from "./binary_kernel";
import { operatorError, optionsOf, unsupported } from "./kernel";

const INT8_LEFT_SHIFT: i32 = 20;
// 65535 << 15 still fits the 32-bit sum of two rescaled int16 inputs.
const INT16_LEFT_SHIFT: i32 = 15;
// The power-of-two path shifts int16 values: longer shifts leave TFLite's defined behaviour.
const MAX_POWER_OF_TWO_SHIFT: i32 = 15;
const OPERAND_TYPES: StaticArray<i32> = [TensorType.INT8, TensorType.INT16];

export class Add extends RescalingBinaryKernel {
  leftShift: i32 = INT8_LEFT_SHIFT;
  /** The power-of-two int16 path: firstShift and secondShift are then right shifts onto the output scale. */
  powerOfTwoScales: bool = false;

  /** SUB subtracts the second term (-1); ADD adds it (1). */
  constructor(readonly secondSign: i32 = 1) {
    super();
  }

  prepare(graph: Graph): bool {
    const node = this.node;
    // AddOptions and SubOptions: 0 fused_activation_function, 1 pot_scale_int16.
    const optionsType = this.secondSign > 0 ? OptionsType.ADD : OptionsType.SUB;
    if (!this.bindQuantized(graph, OPERAND_TYPES, optionsType)) return false;
    const first = this.first;
    const second = this.second;
    const output = this.output;
    if (output.type == TensorType.INT16) {
      if (first.zeroPoint != 0 || second.zeroPoint != 0 || output.zeroPoint != 0) {
        return operatorError(node, "int16 inputs and output must have zero point 0");
      }
      // Without an options table TFLite reads pot_scale_int16 as false; the schema's default is true.
      const options = optionsOf(node, optionsType);
      if (options != 0 && fieldU8(options, 1, 1) != 0 && checkedLog2(first.scale) && checkedLog2(second.scale) && checkedLog2(output.scale)) {
        return this.preparePowerOfTwoScales();
      }
      this.leftShift = INT16_LEFT_SHIFT;
    }
    const twiceMaxInputScale = this.rescaleInputs();
    this.setOutputMultiplier(twiceMaxInputScale / <f64>(<f32>(1 << this.leftShift) * output.scale));
    return true;
  }

  /** TFLite shifts only one input, never left: the other must have the output's scale. */
  private preparePowerOfTwoScales(): bool {
    const node = this.node;
    checkedLog2(this.output.scale);
    const outputLog2 = log2Rounded;
    checkedLog2(this.first.scale);
    const firstShift = outputLog2 - log2Rounded;
    checkedLog2(this.second.scale);
    const secondShift = outputLog2 - log2Rounded;
    if ((firstShift != 0 && secondShift != 0) || firstShift < 0 || secondShift < 0) {
      return operatorError(node, "with power-of-two int16 scales, one input must have the output's scale and the other a finer one");
    }
    if (max(firstShift, secondShift) > MAX_POWER_OF_TWO_SHIFT) {
      return unsupported(node, "an input scale more than 2^" + MAX_POWER_OF_TWO_SHIFT.toString() + " below the output scale");
    }
    // TFLite's power-of-two ADD reads both inputs flat; its SUB broadcasts.
    if (this.secondSign > 0 && !this.cursor.sameShapes) {
      return unsupported(node, "broadcasting with power-of-two int16 scales");
    }
    this.powerOfTwoScales = true;
    this.firstShift = firstShift;
    this.secondShift = secondShift;
    return true;
  }

  eval(): void {
    if (this.output.type == TensorType.INT16) combineElements<i16, Add>(this);
    else if (ASC_FEATURE_SIMD && this.cursor.sameShapes) this.addInt8X16();
    else combineElements<i8, Add>(this);
  }

  /** Same-shape int8 in the SIMD build: 16 elements per step, then the scalar tail. */
  private addInt8X16(): void {
    const firstData = this.first.data;
    const secondData = this.second.data;
    const outputData = this.output.data;
    const count = this.output.elementCount;
    const outputOffset = i16x8.splat(<i16>this.outputOffset);
    const outputMin = i8x16.splat(<i8>this.outputMin);
    const outputMax = i8x16.splat(<i8>this.outputMax);
    let i = 0;
    for (; i + 16 <= count; i += 16) {
      const first = v128.load(firstData + i);
      const second = v128.load(secondData + i);
      const firstLow = i16x8.extend_low_i8x16_s(first), firstHigh = i16x8.extend_high_i8x16_s(first);
      const secondLow = i16x8.extend_low_i8x16_s(second), secondHigh = i16x8.extend_high_i8x16_s(second);
      // Sums beyond int16 saturate there and clamp to the same int8 bound.
      const low = i16x8.narrow_i32x4_s(this.sumX4(i32x4.extend_low_i16x8_s(firstLow), i32x4.extend_low_i16x8_s(secondLow)),
        this.sumX4(i32x4.extend_high_i16x8_s(firstLow), i32x4.extend_high_i16x8_s(secondLow)));
      const high = i16x8.narrow_i32x4_s(this.sumX4(i32x4.extend_low_i16x8_s(firstHigh), i32x4.extend_low_i16x8_s(secondHigh)),
        this.sumX4(i32x4.extend_high_i16x8_s(firstHigh), i32x4.extend_high_i16x8_s(secondHigh)));
      const bytes = i8x16.narrow_i16x8_s(i16x8.add_sat_s(low, outputOffset), i16x8.add_sat_s(high, outputOffset));
      v128.store(outputData + i, i8x16.min_s(i8x16.max_s(bytes, outputMin), outputMax));
    }
    for (; i < count; i++) store<i8>(outputData + i, <i8>this.combine(<i32>load<i8>(firstData + i), <i32>load<i8>(secondData + i)));
  }

  /** Four elements' rescaled sum (or difference) requantized to the output, before its offset. */
  // @ts-ignore: decorator
  @inline
  private sumX4(first: v128, second: v128): v128 {
    const firstScaled = this.rescaleX4(first, this.firstOffset, this.firstMultiplier, this.firstShift);
    const secondScaled = this.rescaleX4(second, this.secondOffset, this.secondMultiplier, this.secondShift);
    const sum = this.secondSign > 0 ? i32x4.add(firstScaled, secondScaled) : i32x4.sub(firstScaled, secondScaled);
    return requantizeUniformX4(sum, this.outputMultiplier, this.outputShift);
  }

  /** An input's rescaling, MultiplyByQuantizedMultiplier((x + offset) * 2^20, multiplier, shift), of four int8 elements. */
  // @ts-ignore: decorator
  @inline
  private rescaleX4(x: v128, offset: i32, multiplier: i32, shift: i32): v128 {
    return requantizeShiftedX4(i32x4.add(x, i32x4.splat(offset)), INT8_LEFT_SHIFT, multiplier, shift);
  }

  // @ts-ignore: decorator
  @inline
  combine(firstValue: i32, secondValue: i32): i32 {
    if (this.powerOfTwoScales) {
      const sum = roundingDivideByPOT(firstValue, this.firstShift) + this.secondSign * roundingDivideByPOT(secondValue, this.secondShift);
      return clamp(sum, this.outputMin, this.outputMax);
    }
    const sum = this.rescaleFirst(firstValue, this.leftShift) + this.secondSign * this.rescaleSecond(secondValue, this.leftShift);
    return clamp(multiplyByQuantizedMultiplier(sum, this.outputMultiplier, this.outputShift) + this.outputOffset, this.outputMin, this.outputMax);
  }
}
