// TFLite's double-rounding MultiplyByQuantizedMultiplier on four output channels at once, for the
// SIMD build (a model in the single-rounding mode is requantized lane by lane instead).
// WebAssembly shifts take one amount for all lanes, but every channel has its own shift, so the
// per-lane powers of two are turned into multiplications prepared once:
//   x * 2^left                       as a 32-bit multiply (wrapping, like the reference),
//   the high product x * m / 2^31    in two 64-bit lanes pairs, rounded as gemmlowp does,
//   floor(y / 2^right)               as (y * 2^(31 - right)) >> 31 in 64 bits (y itself for right 0),
// then the reference's round-half-away-from-zero correction on the remainder. Exact for every
// input: the unit tests compare it with the scalar form.

import { roundsOnce } from "../quant";

export class RequantizeX4 {
  /** Per channel, padded to a multiple of 4 lanes: 2^left, multiplier, 2^(31 - right) (0 for right 0), 2^right, (2^right - 1) >> 1. */
  leftPowers: StaticArray<i32>;
  multipliers: StaticArray<i32>;
  floorMultipliers: StaticArray<i32>;
  rightPowers: StaticArray<i32>;
  halfMasks: StaticArray<i32>;
  outputOffset: i32;
  outputMin: i32;
  outputMax: i32;

  /** From each channel's multiplier and shift (i32 at multipliers + 4c, shifts + 4c). */
  constructor(multipliers: usize, shifts: usize, channels: i32, outputOffset: i32, outputMin: i32, outputMax: i32) {
    const padded = (channels + 3) & ~3;
    this.leftPowers = new StaticArray<i32>(padded);
    this.multipliers = new StaticArray<i32>(padded);
    this.floorMultipliers = new StaticArray<i32>(padded);
    this.rightPowers = new StaticArray<i32>(padded);
    this.halfMasks = new StaticArray<i32>(padded);
    for (let c = 0; c < channels; c++) {
      const shift = load<i32>(shifts + (<usize>c << 2));
      const left = shift > 0 ? shift : 0;
      const right = shift > 0 ? 0 : -shift;
      this.leftPowers[c] = 1 << left;
      this.multipliers[c] = load<i32>(multipliers + (<usize>c << 2));
      this.floorMultipliers[c] = right == 0 ? 0 : 1 << (31 - right);
      this.rightPowers[c] = right == 31 ? i32.MIN_VALUE : 1 << right;
      this.halfMasks[c] = (<i32>((<u32>1 << right) - 1)) >> 1;
    }
    this.outputOffset = outputOffset;
    this.outputMin = outputMin;
    this.outputMax = outputMax;
  }

  /** Requantized, offset and clamped outputs of channels c..c+3 for accumulators `x`. */
  // @ts-ignore: decorator
  @inline
  apply(x: v128, c: i32): v128 {
    const lane = <usize>c << 2;
    const shifted = i32x4.mul(x, v128.load(changetype<usize>(this.leftPowers) + lane));
    const high = highMul(shifted, v128.load(changetype<usize>(this.multipliers) + lane));
    // floor(high / 2^right); lanes with right = 0 keep high.
    const floorMultiplier = v128.load(changetype<usize>(this.floorMultipliers) + lane);
    const floored = v128.bitselect(high, floorHigh(high, floorMultiplier), i32x4.eq(floorMultiplier, i32x4.splat(0)));
    const remainder = i32x4.sub(high, i32x4.mul(floored, v128.load(changetype<usize>(this.rightPowers) + lane)));
    // threshold = half mask, plus one for negative values; round up when the remainder exceeds it.
    const threshold = i32x4.sub(v128.load(changetype<usize>(this.halfMasks) + lane), i32x4.shr_s(high, 31));
    const rounded = i32x4.sub(floored, i32x4.gt_s(remainder, threshold));
    const withOffset = i32x4.add(rounded, i32x4.splat(this.outputOffset));
    return i32x4.min_s(i32x4.max_s(withOffset, i32x4.splat(this.outputMin)), i32x4.splat(this.outputMax));
  }
}

/** gemmlowp's SaturatingRoundingDoublingHighMul per lane; m is a positive multiplier, so it never saturates. */
// @ts-ignore: decorator
@inline
function highMul(a: v128, m: v128): v128 {
  return i32x4.shuffle(roundedHigh(i64x2.extmul_low_i32x4_s(a, m)), roundedHigh(i64x2.extmul_high_i32x4_s(a, m)), 0, 2, 4, 6);
}

/**
 * gemmlowp's (p + nudge) / 2^31 truncated toward zero, nudge = 2^30 for p >= 0 and 1 - 2^30 below,
 * equals floor((p + 2^30) / 2^31) for every p: one add and one arithmetic shift.
 */
// @ts-ignore: decorator
@inline
function roundedHigh(product: v128): v128 {
  return i64x2.shr_s(i64x2.add(product, i64x2.splat(1 << 30)), 31);
}

/** floor(y * f / 2^31) per lane, f = 2^(31 - right): y divided by 2^right rounding down. */
// @ts-ignore: decorator
@inline
function floorHigh(y: v128, f: v128): v128 {
  const low = i64x2.shr_s(i64x2.extmul_low_i32x4_s(y, f), 31);
  const high = i64x2.shr_s(i64x2.extmul_high_i32x4_s(y, f), 31);
  return i32x4.shuffle(low, high, 0, 2, 4, 6);
}

/** MultiplyByQuantizedMultiplier, in the model's rounding mode, with one multiplier and shift for all four lanes. */
// @ts-ignore: decorator
@inline
export function requantizeUniformX4(x: v128, multiplier: i32, shift: i32): v128 {
  if (roundsOnce()) {
    // round(x * multiplier / 2^(31 - shift)) in 64-bit lanes.
    const totalShift = 31 - shift;
    const nudge = i64x2.splat(<i64>1 << (totalShift - 1));
    const m = i32x4.splat(multiplier);
    const low = i64x2.shr_s(i64x2.add(i64x2.extmul_low_i32x4_s(x, m), nudge), totalShift);
    const high = i64x2.shr_s(i64x2.add(i64x2.extmul_high_i32x4_s(x, m), nudge), totalShift);
    return i32x4.shuffle(low, high, 0, 2, 4, 6);
  }
  const right = shift > 0 ? 0 : -shift;
  const high = highMul(i32x4.shl(x, shift > 0 ? shift : 0), i32x4.splat(multiplier));
  // The reference's rounding divide by 2^right: round half away from zero.
  const mask = (<i32>((<u32>1 << right) - 1));
  const threshold = i32x4.sub(i32x4.splat(mask >> 1), i32x4.shr_s(high, 31));
  return i32x4.sub(i32x4.shr_s(high, right), i32x4.gt_s(v128.and(high, i32x4.splat(mask)), threshold));
}
