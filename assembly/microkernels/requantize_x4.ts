// TFLite's double-rounding MultiplyByQuantizedMultiplier on four output channels at once, for the
// SIMD build (a model in the single-rounding mode is requantized lane by lane instead).
// WebAssembly shifts take one amount for all lanes, but every channel has its own shift, so the
// per-lane powers of two are turned into multiplications prepared once:
//   x * 2^left           as a 32-bit multiply (wrapping, like the reference),
//   the high product     gemmlowp's rounding (p + nudge) / 2^31 toward zero, which for any 64-bit
//                        p equals floor((p + 2^30) / 2^31): one add and one shift per 64-bit lane,
//   the rounding divide  by 2^right, half away from zero, on the magnitude:
//                        (|y| + 2^(right - 1)) * 2^(31 - right) / 2^31 in unsigned 64-bit lanes,
//                        then y's sign back (|y| < 2^31, so the sum fits 32 unsigned bits).
// Exact for every input: the unit tests compare it with the scalar form on the whole int32 range.

import { roundsOnce } from "../quant";

export class RequantizeX4 {
  /** Per channel, padded to a multiple of 4 lanes: 2^left, multiplier, 2^(right - 1) (0 for right 0), 2^(31 - right) (unsigned). */
  leftPowers: StaticArray<i32>;
  multipliers: StaticArray<i32>;
  roundingHalves: StaticArray<i32>;
  downscales: StaticArray<i32>;
  outputOffset: i32;
  outputMin: i32;
  outputMax: i32;

  constructor(multipliers: StaticArray<i32>, shifts: StaticArray<i32>, outputOffset: i32, outputMin: i32, outputMax: i32) {
    const padded = (multipliers.length + 3) & ~3;
    this.leftPowers = new StaticArray<i32>(padded);
    this.multipliers = new StaticArray<i32>(padded);
    this.roundingHalves = new StaticArray<i32>(padded);
    this.downscales = new StaticArray<i32>(padded);
    for (let c = 0; c < multipliers.length; c++) {
      const shift = shifts[c];
      const left = shift > 0 ? shift : 0;
      const right = shift > 0 ? 0 : -shift;
      this.leftPowers[c] = 1 << left;
      this.multipliers[c] = multipliers[c];
      this.roundingHalves[c] = right == 0 ? 0 : 1 << (right - 1);
      this.downscales[c] = <i32>(<u32>1 << (31 - right));
    }
    this.outputOffset = outputOffset;
    this.outputMin = outputMin;
    this.outputMax = outputMax;
  }

  /** Requantized, offset and clamped outputs of channels c..c+3 for accumulators `x`. */
  // @ts-ignore: decorator
  @inline
  apply(x: v128, c: i32): v128 {
    const withOffset = i32x4.add(this.scale(x, c), i32x4.splat(this.outputOffset));
    return i32x4.min_s(i32x4.max_s(withOffset, i32x4.splat(this.outputMin)), i32x4.splat(this.outputMax));
  }

  /** MultiplyByQuantizedMultiplier of accumulators `x` with the multipliers and shifts of channels c..c+3. */
  // @ts-ignore: decorator
  @inline
  scale(x: v128, c: i32): v128 {
    const lane = <usize>c << 2;
    const shifted = i32x4.mul(x, v128.load(changetype<usize>(this.leftPowers) + lane));
    const high = highMul(shifted, v128.load(changetype<usize>(this.multipliers) + lane));
    const biased = i32x4.add(i32x4.abs(high), v128.load(changetype<usize>(this.roundingHalves) + lane));
    const downscale = v128.load(changetype<usize>(this.downscales) + lane);
    const low = i64x2.shr_u(i64x2.extmul_low_i32x4_u(biased, downscale), 31);
    const quotient = i32x4.shuffle(low, i64x2.shr_u(i64x2.extmul_high_i32x4_u(biased, downscale), 31), 0, 2, 4, 6);
    const sign = i32x4.shr_s(high, 31);
    return i32x4.sub(v128.xor(quotient, sign), sign);
  }
}

/** gemmlowp's SaturatingRoundingDoublingHighMul per lane; m is a positive multiplier, so it never saturates. */
// @ts-ignore: decorator
@inline
function highMul(a: v128, m: v128): v128 {
  return i32x4.shuffle(roundedHigh(i64x2.extmul_low_i32x4_s(a, m)), roundedHigh(i64x2.extmul_high_i32x4_s(a, m)), 0, 2, 4, 6);
}

/** floor((p + 2^30) / 2^31) in the low 32 bits of each lane (a logical shift: the result fits 32 bits). */
// @ts-ignore: decorator
@inline
function roundedHigh(product: v128): v128 {
  return i64x2.shr_u(i64x2.add(product, i64x2.splat(1 << 30)), 31);
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
