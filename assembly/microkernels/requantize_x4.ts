// TFLite's MultiplyByQuantizedMultiplier, plus the output offset and the int8 clamp, on four
// output channels at once, for the SIMD build. WebAssembly shifts take one amount for all lanes,
// but every channel has its own shift, so the per-lane powers of two become multiplications, and
// as only results within +-255 survive the int8 clamp, the value before the last divide is clamped
// to where the result is at least 256 in magnitude, which leaves room to scale it by 2^(22 - right)
// and divide every lane by 2^22. Double rounding (the reference's default), per lane:
//   x * 2^left           a 32-bit multiply (wrapping, like the reference),
//   the high product     gemmlowp's rounding (p + nudge) / 2^31 toward zero, which for any 64-bit
//                        p equals floor((p + 2^30) / 2^31): one add and one shift per 64-bit lane,
//   the rounding divide  by 2^right, half away from zero: h clamped to +-2^(right + 8), then
//                        h * 2^(22 - right) (fits 31 bits) divided by 2^22 with the rounding.
// Single rounding (fully connected layers, and every kernel of a model that asks for it):
// floor((x * multiplier + 2^(30 + right)) / 2^(31 + right)) as the 64-bit sum's high half, which
// is the floor of a division by 2^32, then a floor division by 2^(right - 1), the same way.
// That needs right shifts of at most 22 (a multiplier of at least 2^-23), and of at least 1 with
// single rounding: an operator with another is requantized lane by lane (requantizeX4For), after
// pruned channels, whose tiny scales are common, got an equivalent multiplier
// (simplifyConstantChannel). The unit tests compare it with the reference on the whole int32 range.

import { multiplyByQuantizedMultiplier, multiplyByQuantizedMultiplierSingleRounding, roundsOnce } from "../quant";

/** The largest right shift of the clamped divide, whose shared divisor is 2^MAX_RIGHT_SHIFT. */
const MAX_RIGHT_SHIFT: i32 = 22;

/**
 * For a channel whose weights are all zero, so that its accumulator is always `accumulator` (its
 * bias): rewrites its multiplier and shift at multipliers + 4c, shifts + 4c to a multiplier with
 * shift -1 that requantizes that one value to the same result in the given rounding, where one
 * exists. Pruned filters come with tiny scales, whose right shifts would keep the whole operator
 * off RequantizeX4.
 */
export function simplifyConstantChannel(multipliers: usize, shifts: usize, c: i32, accumulator: i32, singleRounding: bool): void {
  const multiplierAt = multipliers + (<usize>c << 2);
  const shiftAt = shifts + (<usize>c << 2);
  if (-load<i32>(shiftAt) <= MAX_RIGHT_SHIFT) return;
  const target = requantizeOne(accumulator, load<i32>(multiplierAt), load<i32>(shiftAt), singleRounding);
  // With shift -1 the result is about accumulator * m / 2^32: m near target * 2^32 / accumulator.
  const estimate = accumulator == 0 ? 0 : Math.round(<f64>target * 4294967296.0 / <f64>accumulator);
  for (let m = estimate - 2; m <= estimate + 2; m++) {
    if (m < 0 || m > <f64>i32.MAX_VALUE) continue;
    if (requantizeOne(accumulator, <i32>m, -1, singleRounding) == target) {
      store<i32>(multiplierAt, <i32>m);
      store<i32>(shiftAt, -1);
      return;
    }
  }
}

// @ts-ignore: decorator
@inline
function requantizeOne(x: i32, multiplier: i32, shift: i32, singleRounding: bool): i32 {
  return singleRounding ? multiplyByQuantizedMultiplierSingleRounding(x, multiplier, shift) : multiplyByQuantizedMultiplier(x, multiplier, shift);
}

/**
 * The double-rounding four-channel requantization of `channels` channels (multiplier and shift
 * i32 at multipliers + 4c, shifts + 4c), or null when a right shift exceeds 22.
 */
export function requantizeX4For(multipliers: usize, shifts: usize, channels: i32, outputOffset: i32, outputMin: i32, outputMax: i32): RequantizeX4 | null {
  return rightShiftsWithin(shifts, channels, i32.MIN_VALUE) ? new RequantizeX4(multipliers, shifts, channels, outputOffset, outputMin, outputMax) : null;
}

/** The single-rounding one, or null when a right shift exceeds 22 or is below 1. */
export function requantizeSingleX4For(multipliers: usize, shifts: usize, channels: i32, outputOffset: i32, outputMin: i32, outputMax: i32): RequantizeSingleX4 | null {
  return rightShiftsWithin(shifts, channels, 1) ? new RequantizeSingleX4(multipliers, shifts, channels, outputOffset, outputMin, outputMax) : null;
}

/** Whether every channel's right shift (minus its shift) is at least `least` and at most 22. */
function rightShiftsWithin(shifts: usize, channels: i32, least: i32): bool {
  for (let c = 0; c < channels; c++) {
    const right = -load<i32>(shifts + (<usize>c << 2));
    if (right > MAX_RIGHT_SHIFT || right < least) return false;
  }
  return true;
}

/** The splatted output offset and bounds before the groups of channels. */
const SPLAT_BYTES: i32 = 3 * 16;

/**
 * What both roundings share: `parameters` holds the output offset in all int16 lanes and the
 * output bounds in all int8 lanes, then per group of 4 channels (the last one padded) the
 * vectors of the rounding, one pointer for all four.
 */
class ClampedRequantization {
  parameters: StaticArray<i32>;

  constructor(channels: i32, groupBytes: i32, outputOffset: i32, outputMin: i32, outputMax: i32) {
    const parameters = new StaticArray<i32>((SPLAT_BYTES + ((channels + 3) >> 2) * groupBytes) >> 2);
    const base = changetype<usize>(parameters);
    v128.store(base, i16x8.splat(<i16>outputOffset));
    v128.store(base, i8x16.splat(<i8>outputMin), 16);
    v128.store(base, i8x16.splat(<i8>outputMax), 32);
    this.parameters = parameters;
  }

  /** Where channel c's lane of its group's first vector is. */
  // @ts-ignore: decorator
  @inline
  protected lane(c: i32, groupBytes: i32): usize {
    return changetype<usize>(this.parameters) + <usize>(SPLAT_BYTES + (c >> 2) * groupBytes + ((c & 3) << 2));
  }

  /** Channel groups c.. and c+4.. scaled (at most 256 in magnitude, `low` and `high`): plus the output offset, narrowed to int16. */
  // @ts-ignore: decorator
  @inline
  offsetScaled8(low: v128, high: v128): v128 {
    return i16x8.add(i16x8.narrow_i32x4_s(low, high), v128.load(changetype<usize>(this.parameters)));
  }

  /** Two offsetScaled8 results as int8 clamped to the output bounds: lanes 0-7 and 8-15. */
  // @ts-ignore: decorator
  @inline
  clampedBytes(first: v128, second: v128): v128 {
    const splats = changetype<usize>(this.parameters);
    return i8x16.min_s(i8x16.max_s(i8x16.narrow_i16x8_s(first, second), v128.load(splats, 16)), v128.load(splats, 32));
  }
}

/** Double rounding, per group of 4 channels: 2^left, multiplier, bound, -bound, 2^(22 - right). */
const DOUBLE_GROUP_BYTES: i32 = 5 * 16;

export class RequantizeX4 extends ClampedRequantization {
  /** Use requantizeX4For, which checks the shifts. */
  constructor(multipliers: usize, shifts: usize, channels: i32, outputOffset: i32, outputMin: i32, outputMax: i32) {
    super(channels, DOUBLE_GROUP_BYTES, outputOffset, outputMin, outputMax);
    for (let c = 0; c < channels; c++) {
      const shift = load<i32>(shifts + (<usize>c << 2));
      const lane = this.lane(c, DOUBLE_GROUP_BYTES);
      store<i32>(lane, shift > 0 ? 1 << shift : 1);
      store<i32>(lane, load<i32>(multipliers + (<usize>c << 2)), 16);
      storeDivide(lane + 32, shift > 0 ? 0 : -shift);
    }
  }

  /**
   * MultiplyByQuantizedMultiplier of accumulators `x` with the multipliers and shifts of channels
   * c..c+3 where it lies within +-255; beyond, a value of the same sign at least 256 in magnitude.
   */
  // @ts-ignore: decorator
  @inline
  scale(x: v128, c: i32): v128 {
    const group = this.lane(c, DOUBLE_GROUP_BYTES);
    const scaled = clampedScale(highMul(i32x4.mul(x, v128.load(group)), v128.load(group, 16)), group + 32);
    // Half away from zero: floor((v + 2^21 - [v < 0]) / 2^22).
    return i32x4.shr_s(i32x4.add(i32x4.add(scaled, i32x4.splat(1 << (MAX_RIGHT_SHIFT - 1))), i32x4.shr_s(scaled, 31)), MAX_RIGHT_SHIFT);
  }
}

/** Single rounding, per group of 4 channels: multiplier, 64-bit nudges 2^(30 + right) for lanes 0-1 and 2-3, bound, -bound, 2^(23 - right). */
const SINGLE_GROUP_BYTES: i32 = 6 * 16;

export class RequantizeSingleX4 extends ClampedRequantization {
  /** Use requantizeSingleX4For, which checks the shifts. */
  constructor(multipliers: usize, shifts: usize, channels: i32, outputOffset: i32, outputMin: i32, outputMax: i32) {
    super(channels, SINGLE_GROUP_BYTES, outputOffset, outputMin, outputMax);
    for (let c = 0; c < channels; c++) {
      const right = -load<i32>(shifts + (<usize>c << 2));
      const lane = this.lane(c, SINGLE_GROUP_BYTES);
      store<i32>(lane, load<i32>(multipliers + (<usize>c << 2)));
      // Lanes 0 and 1 in the first vector, 2 and 3 in the second.
      store<i64>(lane + <usize>((c & 3) << 2), <i64>1 << (30 + right), 16);
      storeDivide(lane + 48, right - 1);
    }
  }

  /** scale with single rounding: floor((x * multiplier + 2^(30 + right)) / 2^(31 + right)). */
  // @ts-ignore: decorator
  @inline
  scale(x: v128, c: i32): v128 {
    const group = this.lane(c, SINGLE_GROUP_BYTES);
    const multiplier = v128.load(group);
    const low = i64x2.add(i64x2.extmul_low_i32x4_s(x, multiplier), v128.load(group, 16));
    const high = i64x2.add(i64x2.extmul_high_i32x4_s(x, multiplier), v128.load(group, 32));
    // The high halves: the sums divided by 2^32, rounded down; then down by 2^(right - 1).
    return i32x4.shr_s(clampedScale(i32x4.shuffle(low, high, 1, 3, 5, 7), group + 48), MAX_RIGHT_SHIFT);
  }
}

/**
 * The int8 outputs of channels c..c+7 (accumulators `low` for c..c+3, `high` for c+4..c+7) in
 * lanes 0-7, with a RequantizeX4 or a RequantizeSingleX4.
 */
// @ts-ignore: decorator
@inline
export function requantizedBytes8<T>(requantize: T, low: v128, high: v128, c: i32): v128 {
  const values = requantize.offsetScaled8(requantize.scale(low, c), requantize.scale(high, c + 4));
  return requantize.clampedBytes(values, values);
}

/** requantizedBytes8 of two pixels or rows: channels c..c+7 of A in lanes 0-7, of B in lanes 8-15. */
// @ts-ignore: decorator
@inline
export function requantizedBytes16<T>(requantize: T, lowA: v128, highA: v128, lowB: v128, highB: v128, c: i32): v128 {
  return requantize.clampedBytes(requantize.offsetScaled8(requantize.scale(lowA, c), requantize.scale(highA, c + 4)),
    requantize.offsetScaled8(requantize.scale(lowB, c), requantize.scale(highB, c + 4)));
}

/** A channel's clamp bounds and scale for a last divide by 2^divide (see clampedScale), at lane + 0, 16, 32. */
function storeDivide(lane: usize, divide: i32): void {
  store<i32>(lane, 1 << (divide + 8));
  store<i32>(lane, -(1 << (divide + 8)), 16);
  store<i32>(lane, 1 << (MAX_RIGHT_SHIFT - divide), 32);
}

/**
 * Four values to be divided by 2^divide (per lane), clamped to +-2^(divide + 8) and scaled by
 * 2^(22 - divide): the quotient by 2^22 is the same wherever it is below 256 in magnitude.
 */
// @ts-ignore: decorator
@inline
function clampedScale(values: v128, bounds: usize): v128 {
  return i32x4.mul(i32x4.max_s(i32x4.min_s(values, v128.load(bounds)), v128.load(bounds, 16)), v128.load(bounds, 32));
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
function roundingDivideByPOTX4(x: v128, right: i32): v128 {
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
