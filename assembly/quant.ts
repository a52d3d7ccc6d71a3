// Fixed-point arithmetic of TFLite's reference kernels (gemmlowp semantics), shared by all kernels.
// Multipliers are Q0.31 integers with a power-of-two exponent, as TFLite's QuantizeMultiplier makes them.

import { Activation } from "./schema";
import { Tensor, TensorType } from "./tensor";

const INT32_MIN: i32 = i32.MIN_VALUE;
const INT32_MAX: i32 = i32.MAX_VALUE;

/** (a * b * 2) >> 32 rounded to nearest, saturating the single overflow case a = b = INT32_MIN. */
// @ts-ignore: decorator
@inline
export function saturatingRoundingDoublingHighMul(a: i32, b: i32): i32 {
  if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
  // gemmlowp adds 2^30 (1 - 2^30 below zero) and divides by 2^31 truncating toward zero: for
  // every product that equals floor((product + 2^30) / 2^31), an add and an arithmetic shift.
  return <i32>((<i64>a * <i64>b + (1 << 30)) >> 31);
}

/** The int16 form of saturatingRoundingDoublingHighMul: (a * b * 2) >> 16 rounded, on int16 values held in i32. */
// @ts-ignore: decorator
@inline
export function saturatingRoundingDoublingHighMulInt16(a: i32, b: i32): i32 {
  if (a == i16.MIN_VALUE && b == i16.MIN_VALUE) return i16.MAX_VALUE;
  const product = a * b;
  const nudge: i32 = product >= 0 ? (1 << 14) : (1 - (1 << 14));
  return <i32><i16>((product + nudge) / (1 << 15));
}

/** x / 2^exponent rounded to nearest, ties away from zero. */
// @ts-ignore: decorator
@inline
export function roundingDivideByPOT(x: i32, exponent: i32): i32 {
  const mask = (<i32>1 << exponent) - 1;
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/**
 * The loaded model's requantization rounding: twice, as TFLite's reference kernels (the
 * default), or once, as TFLite built with TFLITE_SINGLE_ROUNDING and as onnxruntime's float
 * requantization (models converted from ONNX ask for it in their metadata, see model.ts).
 */
let roundingOnce: bool = false;

export function setRoundingOnce(once: bool): void {
  roundingOnce = once;
}

export function roundsOnce(): bool {
  return roundingOnce;
}

/** TFLite's MultiplyByQuantizedMultiplier, x * multiplier * 2^shift, in the model's rounding mode. */
// @ts-ignore: decorator
@inline
export function multiplyByQuantizedMultiplier(x: i32, multiplier: i32, shift: i32): i32 {
  if (roundingOnce) return multiplyByQuantizedMultiplierSingleRounding(<i64>x, multiplier, shift);
  const leftShift = shift > 0 ? shift : 0;
  const rightShift = shift > 0 ? 0 : -shift;
  return roundingDivideByPOT(saturatingRoundingDoublingHighMul(x * (<i32>1 << leftShift), multiplier), rightShift);
}

/**
 * The single-rounding form, round(x * multiplier / 2^(31 - shift)) in 64 bits, which TFLite's
 * reference fully-connected kernel always uses (its conformance goldens differ from the double
 * rounding) and every kernel uses in the single-rounding mode.
 */
// @ts-ignore: decorator
@inline
export function multiplyByQuantizedMultiplierSingleRounding(x: i64, multiplier: i32, shift: i32): i32 {
  const totalShift = <i64>(31 - shift);
  return <i32>((x * <i64>multiplier + (<i64>1 << (totalShift - 1))) >> totalShift);
}

/**
 * TFLite's MultiplyByQuantizedMultiplier for 64-bit accumulators (16x8 kernels): the multiplier
 * is first rounded to 16 bits, then round(x * reduced / 2^(15 - shift)) in one step.
 */
// @ts-ignore: decorator
@inline
export function multiplyByQuantizedMultiplierWide(x: i64, multiplier: i32, shift: i32): i32 {
  const reducedMultiplier = multiplier < 0x7FFF0000 ? (multiplier + (1 << 15)) >> 16 : 0x7FFF;
  const totalShift = <i64>(15 - shift);
  return <i32>((x * <i64>reducedMultiplier + (<i64>1 << (totalShift - 1))) >> totalShift);
}

/** The gemmlowp barrel: x * 2^exponent, saturating when shifting left, rounding when shifting right. */
export function saturatingRoundingMultiplyByPOT(x: i32, exponent: i32): i32 {
  if (exponent == 0) return x;
  if (exponent < 0) return roundingDivideByPOT(x, -exponent);
  const threshold = (<i32>1 << (31 - exponent)) - 1;
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return x << exponent;
}

/** Result registers of quantizeMultiplier (AssemblyScript has no tuples). */
export let quantizedMultiplier: i32 = 0;
export let quantizedShift: i32 = 0;

/**
 * TFLite's QuantizeMultiplier: real = quantizedMultiplier * 2^(quantizedShift - 31), with the
 * significand rounded half away from zero and shifts below -31 flushed to zero.
 */
export function quantizeMultiplier(real: f64): void {
  quantizedMultiplier = 0;
  quantizedShift = 0;
  if (real == 0 || !isFinite(real)) return;
  const significand = frexpSignificand(real);
  let shift = frexpExponent;
  let fixed = <i64>roundHalfAwayFromZero(significand * <f64>(<i64>1 << 31));
  if (fixed == (<i64>1 << 31)) {
    fixed /= 2;
    shift++;
  }
  if (shift < -31) {
    shift = 0;
    fixed = 0;
  }
  quantizedMultiplier = <i32>fixed;
  quantizedShift = shift;
}

let frexpExponent: i32 = 0;

/** std::frexp: returns m in [0.5, 1) with x = m * 2^frexpExponent. */
function frexpSignificand(x: f64): f64 {
  let bits = reinterpret<u64>(x);
  let biased = <i32>((bits >> 52) & 0x7FF);
  let adjust = 0;
  if (biased == 0) { // subnormal: scale into the normal range first
    bits = reinterpret<u64>(x * 18014398509481984.0); // 2^54
    biased = <i32>((bits >> 52) & 0x7FF);
    adjust = -54;
  }
  frexpExponent = biased - 1022 + adjust;
  return reinterpret<f64>((bits & ~(<u64>0x7FF << 52)) | (<u64>1022 << 52));
}

/** std::round: halves go away from zero (AssemblyScript's Math.round goes toward +infinity). */
export function roundHalfAwayFromZero(x: f64): f64 {
  const truncated = trunc(x);
  const fraction = x - truncated;
  if (fraction >= 0.5) return truncated + 1;
  if (fraction <= -0.5) return truncated - 1;
  return truncated;
}

export function roundHalfAwayFromZeroF32(x: f32): f32 {
  const truncated = Mathf.trunc(x);
  const fraction = x - truncated;
  if (fraction >= 0.5) return truncated + 1;
  if (fraction <= -0.5) return truncated - 1;
  return truncated;
}

export function typeMin(type: i32): i32 {
  switch (type) {
    case TensorType.INT8: return -128;
    case TensorType.UINT8: return 0;
    case TensorType.INT16: return -32768;
    default: return INT32_MIN;
  }
}

export function typeMax(type: i32): i32 {
  switch (type) {
    case TensorType.INT8: return 127;
    case TensorType.UINT8: return 255;
    case TensorType.INT16: return 32767;
    default: return INT32_MAX;
  }
}

/** Result registers of activationRange. */
export let activationMin: i32 = 0;
export let activationMax: i32 = 0;

/** TFLite's CalculateActivationRangeQuantized: the fused activation as a clamp on quantized outputs. */
export function activationRange(activation: i32, output: Tensor): void {
  const low = typeMin(output.type);
  const high = typeMax(output.type);
  activationMin = low;
  activationMax = high;
  if (activation == Activation.RELU) {
    activationMin = max(low, quantizeReal(0, output));
  } else if (activation == Activation.RELU6) {
    activationMin = max(low, quantizeReal(0, output));
    activationMax = min(high, quantizeReal(6, output));
  } else if (activation == Activation.RELU_N1_TO_1) {
    activationMin = max(low, quantizeReal(-1, output));
    activationMax = min(high, quantizeReal(1, output));
  }
}

/** zero_point + round(value / scale), in float as the reference computes it. */
function quantizeReal(value: f32, output: Tensor): i32 {
  return output.zeroPoint + <i32>roundHalfAwayFromZeroF32(value / output.scale);
}

// @ts-ignore: decorator
@inline
export function clamp(value: i32, low: i32, high: i32): i32 {
  return value < low ? low : (value > high ? high : value);
}

export const MAX_MULTIPLIER_SHIFT: i32 = 30;
/** multiplyByQuantizedMultiplierWide shifts right by 15 - shift, which must stay positive. */
export const MAX_WIDE_MULTIPLIER_SHIFT: i32 = 14;

/** Result register of checkedLog2. */
export let log2Rounded: i32 = 0;

/** TFLite's CheckedLog2: whether x is a power of two (within 1e-3 in the exponent, in float); sets log2Rounded. */
export function checkedLog2(x: f32): bool {
  const log2 = Mathf.log(x) * (<f32>1 / Mathf.log(2));
  const rounded = roundHalfAwayFromZeroF32(log2);
  log2Rounded = <i32>rounded;
  return Mathf.abs(log2 - rounded) < <f32>1e-3;
}
