// gemmlowp's fixed-point transcendental functions, which TFLite's reference softmax, logistic
// and tanh use. A value with N integer bits is an i32 holding real * 2^(31 - N).
// Constants are the ones gemmlowp derives from the functions they approximate.

import { clamp, roundingDivideByPOT, saturatingRoundingDoublingHighMul, saturatingRoundingDoublingHighMulInt16, saturatingRoundingMultiplyByPOT } from "./quant";

const ONE_Q0: i32 = i32.MAX_VALUE; // 1.0 is not representable with no integer bits: gemmlowp uses the maximum.

/** Converts a value with `fromBits` integer bits to `toBits` integer bits. */
// @ts-ignore: decorator
@inline
export function rescale(x: i32, fromBits: i32, toBits: i32): i32 {
  return saturatingRoundingMultiplyByPOT(x, fromBits - toBits);
}

/** exp(a) for a in [-1/4, 0), a with 0 integer bits: Taylor expansion around -1/8. */
function expOnIntervalBetweenNegativeOneQuarterAndZero(a: i32): i32 {
  const expMinusOneEighth: i32 = 1895147668;
  const oneThird: i32 = 715827883;
  const x = a + (1 << 28); // a + 1/8
  const x2 = saturatingRoundingDoublingHighMul(x, x);
  const x3 = saturatingRoundingDoublingHighMul(x2, x);
  const x4 = saturatingRoundingDoublingHighMul(x2, x2);
  const x4Over4 = roundingDivideByPOT(x4, 2);
  const polynomial = roundingDivideByPOT(saturatingRoundingDoublingHighMul(x4Over4 + x3, oneThird) + x2, 1);
  return expMinusOneEighth + saturatingRoundingDoublingHighMul(expMinusOneEighth, x + polynomial);
}

// exp(-2^k) for k = -2..4, with 0 integer bits, for the barrel shifter below.
const EXP_OF_MINUS_POWER_OF_TWO: StaticArray<i32> = [1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242];

/** exp(a) for a <= 0 given with `integerBits` integer bits; the result has 0 integer bits. */
export function expOnNegativeValues(a: i32, integerBits: i32): i32 {
  const fractionalBits = 31 - integerBits;
  const oneQuarter: i32 = 1 << (fractionalBits - 2);
  const aModQuarterMinusOneQuarter = (a & (oneQuarter - 1)) - oneQuarter;
  let result = expOnIntervalBetweenNegativeOneQuarterAndZero(rescale(aModQuarterMinusOneQuarter, integerBits, 0));
  const remainder = aModQuarterMinusOneQuarter - a;
  for (let exponent = -2; exponent <= 4; exponent++) {
    if (integerBits > exponent && (remainder & (1 << (fractionalBits + exponent))) != 0) {
      result = saturatingRoundingDoublingHighMul(result, unchecked(EXP_OF_MINUS_POWER_OF_TWO[exponent + 2]));
    }
  }
  if (integerBits > 5 && a < -(1 << (36 - integerBits))) result = 0; // below -32 the result rounds to 0
  return a == 0 ? ONE_Q0 : result;
}

/** (a + b) / 2 rounded half away from zero, without overflow. */
export function roundingHalfSum(a: i32, b: i32): i32 {
  const sum = <i64>a + <i64>b;
  return <i32>((sum + (sum >= 0 ? 1 : -1)) / 2);
}

/** 1 / (1 + a) for a in [0, 1) with 0 integer bits: three Newton-Raphson steps, result with 0 integer bits. */
export function oneOverOnePlusX(a: i32): i32 {
  const halfDenominator = roundingHalfSum(a, ONE_Q0);
  const fortyEightOverSeventeen: i32 = 1515870810; // 2 integer bits
  const minusThirtyTwoOverSeventeen: i32 = -1010580540; // 2 integer bits
  const oneQ2: i32 = 1 << 29;
  let x = fortyEightOverSeventeen + saturatingRoundingDoublingHighMul(halfDenominator, minusThirtyTwoOverSeventeen);
  for (let i = 0; i < 3; i++) {
    const oneMinusHalfDenominatorTimesX = oneQ2 - saturatingRoundingDoublingHighMul(halfDenominator, x);
    x = x + rescale(saturatingRoundingDoublingHighMul(x, oneMinusHalfDenominatorTimesX), 4, 2);
  }
  // x / 2 with 2 integer bits is x read with 1 integer bit; then back to 0 integer bits.
  return rescale(x, 1, 0);
}

/** Result register of reciprocal(). */
export let reciprocalBitsOverUnit: i32 = 0;

/**
 * TFLite's GetReciprocal: for x > 0 with `integerBits` integer bits, returns 1 / x normalised
 * to [0.5, 1) with 0 integer bits; the true reciprocal is that times 2^-reciprocalBitsOverUnit.
 */
export function reciprocal(x: i32, integerBits: i32): i32 {
  const headroomPlusOne = <i32>clz<u32>(<u32>x);
  reciprocalBitsOverUnit = integerBits - headroomPlusOne;
  const shiftedMinusOne = <i32>((<u32>x << headroomPlusOne) - (<u32>1 << 31));
  return oneOverOnePlusX(shiftedMinusOne);
}

/** Result registers of invSqrtQuantizedMultiplier(). */
export let invSqrtMultiplier: i32 = 0;
export let invSqrtShift: i32 = 0;

/**
 * TFLite's GetInvSqrtQuantizedMultiplierExp (with kReverseShift): 1 / sqrt(input) for an integer
 * input as invSqrtMultiplier * 2^(invSqrtShift - 31), by five Newton-Raphson steps with 3 integer
 * bits on the input normalised to [2^27, 2^29). Inputs 0 and 1 give the largest multiplier.
 */
export function invSqrtQuantizedMultiplier(input: i32): void {
  if (input <= 1) {
    invSqrtMultiplier = i32.MAX_VALUE;
    invSqrtShift = 0;
    return;
  }
  let rightShift = 11;
  while (input >= (1 << 29)) {
    input >>= 2;
    rightShift++;
  }
  const leftShiftBitPairs = (<i32>clz<u32>(<u32>input) - 1) / 2 - 1;
  rightShift -= leftShiftBitPairs;
  input <<= 2 * leftShiftBitPairs;
  const halfInput = roundingDivideByPOT(input >> 1, 1); // 3 integer bits
  const halfThree: i32 = (1 << 28) + (1 << 27); // 1.5 with 3 integer bits
  let x: i32 = 1 << 28; // 1.0 with 3 integer bits
  for (let i = 0; i < 5; i++) {
    const xCubed = rescale(saturatingRoundingDoublingHighMul(saturatingRoundingDoublingHighMul(x, x), x), 9, 3);
    x = rescale(saturatingRoundingDoublingHighMul(halfThree, x) - saturatingRoundingDoublingHighMul(halfInput, xCubed), 6, 3);
  }
  const halfSqrtTwo: i32 = 1518500250; // sqrt(2) / 2 with 0 integer bits
  let multiplier = saturatingRoundingDoublingHighMul(x, halfSqrtTwo);
  if (rightShift < 0) {
    multiplier <<= -rightShift;
    rightShift = 0;
  }
  invSqrtMultiplier = multiplier;
  invSqrtShift = -rightShift;
}

// ---- int16 fixed point (gemmlowp's FixedPoint<int16_t, N>), used by the integer LSTM. ----
// A value with N integer bits is an int16 holding real * 2^(15 - N), kept in an i32. Sums and
// negations wrap to 16 bits as the C++ int16 arithmetic does; gemmlowp's 32-bit constants are
// rounded to 16 bits (RescaleConstantInitializer).

const ONE_Q0_15: i32 = 32767;

// @ts-ignore: decorator
@inline
function wrapInt16(x: i32): i32 {
  return <i32><i16>x;
}

/** x * 2^exponent on int16: saturating when shifting left, rounding when shifting right. */
function saturatingRoundingMultiplyByPOTInt16(x: i32, exponent: i32): i32 {
  if (exponent <= 0) return roundingDivideByPOT(x, -exponent);
  const threshold = (1 << (15 - exponent)) - 1;
  if (x > threshold) return 32767;
  if (x < -threshold) return -32768;
  return x << exponent;
}

/** (a + b) / 2 rounded half away from zero. */
// @ts-ignore: decorator
@inline
function roundingHalfSumInt16(a: i32, b: i32): i32 {
  const sum = a + b;
  return wrapInt16((sum + (sum >= 0 ? 1 : -1)) / 2);
}

/** exp(a) for a in [-1/4, 0) in Q0.15: Taylor expansion around -1/8. */
function expOnIntervalBetweenNegativeOneQuarterAndZeroQ15(a: i32): i32 {
  const expMinusOneEighth: i32 = 28918;
  const oneThird: i32 = 10923;
  const x = wrapInt16(a + (1 << 12)); // a + 1/8
  const x2 = saturatingRoundingDoublingHighMulInt16(x, x);
  const x3 = saturatingRoundingDoublingHighMulInt16(x2, x);
  const x4 = saturatingRoundingDoublingHighMulInt16(x2, x2);
  const x4Over4 = roundingDivideByPOT(x4, 2);
  const polynomial = roundingDivideByPOT(wrapInt16(saturatingRoundingDoublingHighMulInt16(wrapInt16(x4Over4 + x3), oneThird) + x2), 1);
  const sum = expMinusOneEighth + saturatingRoundingDoublingHighMulInt16(expMinusOneEighth, wrapInt16(x + polynomial));
  return clamp(sum, -32768, 32767); // gemmlowp saturates this last addition for 16-bit types
}

// exp(-2^k) for k = -2..4 in Q0.15, for the barrel shifter below (exp(-16) rounds to 0).
const EXP_OF_MINUS_POWER_OF_TWO_Q15: StaticArray<i32> = [25520, 19875, 12055, 4435, 600, 11, 0];

/** exp(a) for an int16 a <= 0 with `integerBits` integer bits (0 to 7); the result is Q0.15. */
function expOnNegativeValuesQ15(a: i32, integerBits: i32): i32 {
  const fractionalBits = 15 - integerBits;
  const oneQuarter: i32 = 1 << (fractionalBits - 2);
  const aModQuarterMinusOneQuarter = wrapInt16((a & (oneQuarter - 1)) - oneQuarter);
  let result = expOnIntervalBetweenNegativeOneQuarterAndZeroQ15(saturatingRoundingMultiplyByPOTInt16(aModQuarterMinusOneQuarter, integerBits));
  const remainder = wrapInt16(aModQuarterMinusOneQuarter - a);
  for (let exponent = -2; exponent <= 4; exponent++) {
    if (integerBits > exponent && (remainder & (1 << (fractionalBits + exponent))) != 0) {
      result = saturatingRoundingDoublingHighMulInt16(result, unchecked(EXP_OF_MINUS_POWER_OF_TWO_Q15[exponent + 2]));
    }
  }
  // Below -32 the result rounds to 0: -32 is -2^(36 - integerBits) in 32-bit raw form, rounded to 16 bits.
  if (integerBits > 5 && a < roundingDivideByPOT(-(1 << (36 - integerBits)), 16)) result = 0;
  return a == 0 ? ONE_Q0_15 : result;
}

/** 2 / (1 + a) for a in [0, 1) in Q0.15, by three Newton-Raphson steps; the result is Q2.13. */
function twoOverOnePlusXQ2_13(a: i32): i32 {
  const halfDenominator = roundingHalfSumInt16(a, ONE_Q0_15);
  const fortyEightOverSeventeen: i32 = 23130; // Q2.13
  const minusThirtyTwoOverSeventeen: i32 = -15420; // Q2.13
  const oneQ2_13: i32 = 1 << 13;
  let x = wrapInt16(fortyEightOverSeventeen + saturatingRoundingDoublingHighMulInt16(halfDenominator, minusThirtyTwoOverSeventeen));
  for (let i = 0; i < 3; i++) {
    const oneMinusHalfDenominatorTimesX = wrapInt16(oneQ2_13 - saturatingRoundingDoublingHighMulInt16(halfDenominator, x));
    x = wrapInt16(x + saturatingRoundingMultiplyByPOTInt16(saturatingRoundingDoublingHighMulInt16(x, oneMinusHalfDenominatorTimesX), 2));
  }
  return x;
}

/**
 * gemmlowp's logistic on int16: the input has `integerBits` integer bits (Q3.12 for LSTM gates,
 * at most 6), the result is Q0.15.
 */
export function logisticQ15(input: i32, integerBits: i32): i32 {
  if (input == 0) return 1 << 14; // 0.5
  const magnitude = input > 0 ? input : wrapInt16(-input);
  // 1 / (1 + exp(-|x|)): 2 / (1 + e) in Q2.13 is the same raw value as 1 / (1 + e) in Q1.14.
  const positive = saturatingRoundingMultiplyByPOTInt16(twoOverOnePlusXQ2_13(expOnNegativeValuesQ15(wrapInt16(-magnitude), integerBits)), 1);
  return input > 0 ? positive : wrapInt16(ONE_Q0_15 - positive);
}

/**
 * gemmlowp's tanh on int16: the input has `integerBits` integer bits (0 to 6), the result is Q0.15.
 * tanh(x) = (1 - exp(-2|x|)) / (1 + exp(-2|x|)), with the sign of x.
 */
export function tanhQ15(input: i32, integerBits: i32): i32 {
  if (input == 0) return 0;
  const negativeMagnitude = input < 0 ? input : wrapInt16(-input);
  // Reading the input with one more integer bit doubles it.
  const expOfMinusTwice = expOnNegativeValuesQ15(negativeMagnitude, integerBits + 1);
  const magnitude = saturatingRoundingMultiplyByPOTInt16(wrapInt16(twoOverOnePlusXQ2_13(expOfMinusTwice) - (1 << 13)), 2);
  return input < 0 ? wrapInt16(-magnitude) : magnitude;
}
