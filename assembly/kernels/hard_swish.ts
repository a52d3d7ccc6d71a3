// HARD_SWISH, int8: TFLite's reference quantized HardSwish, x * relu6(x + 3) / 6 in 16-bit
// fixed point. The input is moved to a "hires" scale (input_scale / 128); from there one
// multiplier gives the output before its final shift, and another maps [-3, 3] onto the
// int16 range, the "reluish" factor in [0, 1] that multiplies it. Multipliers are
// QuantizeMultiplier's, rounded down to 16 bits; the scale ratios are taken in float.

import { Graph } from "../graph";
import { clamp, quantizedMultiplier, quantizedShift, quantizeMultiplier, roundingDivideByPOT, saturatingRoundingDoublingHighMulInt16 } from "../quant";
import { operatorError } from "./kernel";
import { Int8LookupKernel } from "./lookup_kernel";

const HIRES_INPUT_SHIFT: i32 = 7;
const RELUISH_SCALE: f32 = 3.0 / 32768.0; // real 3.0 is int16 32768

export class HardSwish extends Int8LookupKernel {
  outputMultiplier: i32 = 0; // int16 fixed point
  outputExponent: i32 = 0;
  reluishMultiplier: i32 = 0; // int16 fixed point
  reluishExponent: i32 = 0;

  prepare(graph: Graph): bool {
    if (!this.bindInt8(graph)) return false;
    const hiresInputScale: f32 = (<f32>1.0 / <f32>(1 << HIRES_INPUT_SHIFT)) * this.input.scale;
    quantizeMultiplier(<f64>(hiresInputScale / this.output.scale));
    this.outputMultiplier = int16Multiplier(quantizedMultiplier);
    this.outputExponent = quantizedShift;
    if (this.outputExponent > 0) return operatorError(this.node, "the input scale must be less than 128 times the output scale");
    quantizeMultiplier(<f64>(hiresInputScale / RELUISH_SCALE));
    this.reluishMultiplier = int16Multiplier(quantizedMultiplier);
    this.reluishExponent = quantizedShift;
    this.fillTable();
    return true;
  }

  outputFor(q: i32): i32 {
    const hiresInput = <i32><i16>((q - this.input.zeroPoint) << HIRES_INPUT_SHIFT);
    const preshiftOutputScale = saturatingRoundingDoublingHighMulInt16(hiresInput, this.outputMultiplier);
    // x rescaled so that real 3.0 is 32768, saturating: the last bit of a left shift is applied
    // after the multiplier, so any saturation happens there.
    let reluish = hiresInput;
    if (this.reluishExponent > 0) reluish = saturatingLeftShiftInt16(reluish, this.reluishExponent - 1);
    reluish = saturatingRoundingDoublingHighMulInt16(reluish, this.reluishMultiplier);
    if (this.reluishExponent > 0) reluish = saturatingLeftShiftInt16(reluish, 1);
    if (this.reluishExponent < 0) reluish = roundingDivideByPOT(reluish, -this.reluishExponent);
    // [-1, 1] to [0, 1].
    reluish = (reluish + 32768) >> 1;
    const preshiftOutput = doublingHighMulTruncatingInt16(reluish, preshiftOutputScale);
    // The reference adds the zero point in int16 (it wraps) before clamping.
    const output = <i32><i16>(roundingDivideByPOT(preshiftOutput, -this.outputExponent) + this.output.zeroPoint);
    return clamp(output, -128, 127);
  }
}

/** TFLite's DownScaleInt32ToInt16Multiplier: a Q0.31 multiplier rounded to Q0.15. */
function int16Multiplier(multiplier: i32): i32 {
  const roundingOffset: i32 = 1 << 15;
  if (multiplier >= i32.MAX_VALUE - roundingOffset) return i16.MAX_VALUE;
  return (multiplier + roundingOffset) >> 16;
}

function saturatingLeftShiftInt16(value: i32, amount: i32): i32 {
  const shifted = <i64>value << <i64>min(amount, 32);
  return <i32>max<i64>(i16.MIN_VALUE, min<i64>(i16.MAX_VALUE, shifted));
}

/** a * b * 2 / 2^16 truncated toward zero (ARM's SQDMULH), saturating -1 * -1: cancels the bias of the rounding multiplies. */
function doublingHighMulTruncatingInt16(a: i32, b: i32): i32 {
  if (a == i16.MIN_VALUE && b == i16.MIN_VALUE) return i16.MAX_VALUE;
  return <i32><i16>((a * b) / (1 << 15));
}
