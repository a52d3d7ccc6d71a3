// TFLite's double-rounding MultiplyByQuantizedMultiplier, plus the output offset and the int8
// clamp, on four output channels at once, for the SIMD build (a model in the single-rounding mode
// is requantized lane by lane instead). WebAssembly shifts take one amount for all lanes, but every
// channel has its own shift, so the per-lane powers of two are turned into multiplications:
//   x * 2^left           as a 32-bit multiply (wrapping, like the reference),
//   the high product     gemmlowp's rounding (p + nudge) / 2^31 toward zero, which for any 64-bit
//                        p equals floor((p + 2^30) / 2^31): one add and one shift per 64-bit lane,
//   the rounding divide  by 2^right, half away from zero: the high product h is clamped to
//                        +-2^(right + 8), beyond which the result is at least 256 in magnitude and
//                        clamps to the same int8 bound anyway; then h * 2^(22 - right) fits 31 bits
//                        and is divided by 2^22, the same quotient, with one shift for all lanes.
// That needs every right shift to be at most 22 (a multiplier of at least 2^-23): an operator with
// a smaller one is requantized lane by lane (requantizeX4For), after pruned channels, whose tiny
// scales are common, got an equivalent multiplier (simplifyConstantChannel). The unit tests
// compare it with the reference on the whole int32 range.

import { multiplyByQuantizedMultiplier, roundsOnce } from "../quant";

/** The largest right shift of the clamped divide, whose shared divisor is 2^MAX_RIGHT_SHIFT. */
const MAX_RIGHT_SHIFT: i32 = 22;

/**
 * For a channel whose weights are all zero, so that its accumulator is always `accumulator` (its
 * bias): rewrites its multiplier and shift at multipliers + 4c, shifts + 4c to a multiplier with
 * shift 0 that requantizes that one value to the same result, where one exists. Pruned filters
 * come with tiny scales, whose right shifts would keep the whole operator off RequantizeX4.
 */
export function simplifyConstantChannel(multipliers: usize, shifts: usize, c: i32, accumulator: i32): void {
  const multiplierAt = multipliers + (<usize>c << 2);
  const shiftAt = shifts + (<usize>c << 2);
  if (-load<i32>(shiftAt) <= MAX_RIGHT_SHIFT) return;
  const target = multiplyByQuantizedMultiplier(accumulator, load<i32>(multiplierAt), load<i32>(shiftAt));
  // The high product of accumulator and m is about accumulator * m / 2^31: m near target * 2^31 / accumulator.
  const estimate = accumulator == 0 ? 0 : Math.round(<f64>target * 2147483648.0 / <f64>accumulator);
  for (let m = estimate - 1; m <= estimate + 1; m++) {
    if (m < 0 || m > <f64>i32.MAX_VALUE) continue;
    if (multiplyByQuantizedMultiplier(accumulator, <i32>m, 0) == target) {
      store<i32>(multiplierAt, <i32>m);
      store<i32>(shiftAt, 0);
      return;
    }
  }
}

/**
 * The four-channel requantization of `channels` channels (multiplier and shift i32 at
 * multipliers + 4c, shifts + 4c), or null when the model rounds once or a right shift exceeds 22.
 */
export function requantizeX4For(multipliers: usize, shifts: usize, channels: i32, outputOffset: i32, outputMin: i32, outputMax: i32): RequantizeX4 | null {
  if (roundsOnce()) return null;
  for (let c = 0; c < channels; c++) {
    if (-load<i32>(shifts + (<usize>c << 2)) > MAX_RIGHT_SHIFT) return null;
  }
  return new RequantizeX4(multipliers, shifts, channels, outputOffset, outputMin, outputMax);
}

export class RequantizeX4 {
  /**
   * The output offset in all int16 lanes and the output bounds in all int8 lanes (3 vectors), then
   * per group of 4 channels (the last one padded) 4 lanes each of 2^left, multiplier,
   * 2^(right + 8), -2^(right + 8) and 2^(22 - right): one pointer for all four.
   */
  parameters: StaticArray<i32>;

  /** Use requantizeX4For, which checks the shifts. */
  constructor(multipliers: usize, shifts: usize, channels: i32, outputOffset: i32, outputMin: i32, outputMax: i32) {
    const parameters = new StaticArray<i32>(12 + ((channels + 3) & ~3) * 5);
    const splats = changetype<usize>(parameters);
    v128.store(splats, i16x8.splat(<i16>outputOffset));
    v128.store(splats, i8x16.splat(<i8>outputMin), 16);
    v128.store(splats, i8x16.splat(<i8>outputMax), 32);
    for (let c = 0; c < channels; c++) {
      const shift = load<i32>(shifts + (<usize>c << 2));
      const left = shift > 0 ? shift : 0;
      const right = shift > 0 ? 0 : -shift;
      const at = 12 + (c & ~3) * 5 + (c & 3);
      parameters[at] = 1 << left;
      parameters[at + 4] = load<i32>(multipliers + (<usize>c << 2));
      parameters[at + 8] = 1 << (right + 8);
      parameters[at + 12] = -(1 << (right + 8));
      parameters[at + 16] = 1 << (MAX_RIGHT_SHIFT - right);
    }
    this.parameters = parameters;
  }

  /** The int8 outputs of channels c..c+7 (accumulators `low` for c..c+3, `high` for c+4..c+7) in lanes 0-7. */
  // @ts-ignore: decorator
  @inline
  bytes8(low: v128, high: v128, c: i32): v128 {
    const offsetScaled = this.offsetScaled8(low, high, c);
    return this.clampBytes(i8x16.narrow_i16x8_s(offsetScaled, offsetScaled));
  }

  /** bytes8 of two pixels: channels c..c+7 of pixel A in lanes 0-7, of pixel B in lanes 8-15. */
  // @ts-ignore: decorator
  @inline
  bytes16(lowA: v128, highA: v128, lowB: v128, highB: v128, c: i32): v128 {
    return this.clampBytes(i8x16.narrow_i16x8_s(this.offsetScaled8(lowA, highA, c), this.offsetScaled8(lowB, highB, c)));
  }

  /** Channels c..c+7 scaled, plus the output offset, in int16 lanes (at most 256 + 128 in magnitude). */
  // @ts-ignore: decorator
  @inline
  private offsetScaled8(low: v128, high: v128, c: i32): v128 {
    return i16x8.add(i16x8.narrow_i32x4_s(this.scale(low, c), this.scale(high, c + 4)), v128.load(changetype<usize>(this.parameters)));
  }

  // @ts-ignore: decorator
  @inline
  private clampBytes(bytes: v128): v128 {
    const splats = changetype<usize>(this.parameters);
    return i8x16.min_s(i8x16.max_s(bytes, v128.load(splats, 16)), v128.load(splats, 32));
  }

  /**
   * MultiplyByQuantizedMultiplier of accumulators `x` with the multipliers and shifts of channels
   * c..c+3 where it lies within +-255; beyond, a value of the same sign at least 256 in magnitude.
   */
  // @ts-ignore: decorator
  @inline
  scale(x: v128, c: i32): v128 {
    const group = changetype<usize>(this.parameters) + <usize>(48 + c * 20);
    const high = highMul(i32x4.mul(x, v128.load(group)), v128.load(group, 16));
    const bounded = i32x4.max_s(i32x4.min_s(high, v128.load(group, 32)), v128.load(group, 48));
    const scaled = i32x4.mul(bounded, v128.load(group, 64));
    // Half away from zero: floor((v + 2^21 - [v < 0]) / 2^22).
    return i32x4.shr_s(i32x4.add(i32x4.add(scaled, i32x4.splat(1 << (MAX_RIGHT_SHIFT - 1))), i32x4.shr_s(scaled, 31)), MAX_RIGHT_SHIFT);
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
 * equals floor((p + 2^30) / 2^31) for every p; in the low 32 bits of each lane, so a logical shift
 * (native on x64, unlike the arithmetic one) serves.
 */
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
  const high = highMul(i32x4.shl(x, shift > 0 ? shift : 0), i32x4.splat(multiplier));
  return roundingDivideByPOTX4(high, shift > 0 ? 0 : -shift);
}

/**
 * requantizeUniformX4 of x * 2^leftShift, for |x| < 2^min(leftShift, 31 - leftShift) (ADD's inputs:
 * 9 bits, shifted by 20). With double rounding and no left shift in `shift`, the 64-bit product
 * splits into 32-bit ones: with multiplier = high * 2^k + low, k = 31 - leftShift, the high product
 * floor((x * 2^leftShift * multiplier + 2^30) / 2^31) is x * high + floor((x * low + 2^(k - 1)) / 2^k).
 */
// @ts-ignore: decorator
@inline
export function requantizeShiftedX4(x: v128, leftShift: i32, multiplier: i32, shift: i32): v128 {
  if (roundsOnce() || shift > 0) return requantizeUniformX4(i32x4.shl(x, leftShift), multiplier, shift);
  const k = 31 - leftShift;
  const low = i32x4.shr_s(i32x4.add(i32x4.mul(x, i32x4.splat(multiplier & ((1 << k) - 1))), i32x4.splat(1 << (k - 1))), k);
  return roundingDivideByPOTX4(i32x4.add(i32x4.mul(x, i32x4.splat(multiplier >> k)), low), -shift);
}

/** The reference's RoundingDivideByPOT of four lanes by 2^right: round half away from zero. */
// @ts-ignore: decorator
@inline
export function roundingDivideByPOTX4(x: v128, right: i32): v128 {
  const mask = (<i32>((<u32>1 << right) - 1));
  const threshold = i32x4.sub(i32x4.splat(mask >> 1), i32x4.shr_s(x, 31));
  return i32x4.sub(i32x4.shr_s(x, right), i32x4.gt_s(v128.and(x, i32x4.splat(mask)), threshold));
}

/** Whether the `count` int8 weights at first, first + step, ... are all zero. */
export function allZero(first: usize, step: i32, count: i32): bool {
  for (let k = 0; k < count; k++) {
    if (load<i8>(first + <usize>(k * step)) != 0) return false;
  }
  return true;
}
