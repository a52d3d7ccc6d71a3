// AssemblyScript entry that exposes the engine's fixed-point helpers to the unit tests.
// Compiled by fixedpoint.test.ts; not part of the engine build.

import {
  multiplyByQuantizedMultiplier, multiplyByQuantizedMultiplierSingleRounding, multiplyByQuantizedMultiplierWide,
  quantizedMultiplier, quantizedShift,
  quantizeMultiplier, roundHalfAwayFromZero, roundingDivideByPOT, saturatingRoundingDoublingHighMul,
  saturatingRoundingDoublingHighMulInt16, saturatingRoundingMultiplyByPOT,
} from "../../assembly/quant";
import {
  expOnNegativeValues, invSqrtMultiplier, invSqrtQuantizedMultiplier, invSqrtShift, logisticQ15, oneOverOnePlusX, reciprocal,
  reciprocalBitsOverUnit, tanhQ15,
} from "../../assembly/gemmlowp";

export function srdhm(a: i32, b: i32): i32 { return saturatingRoundingDoublingHighMul(a, b); }
export function srdhm16(a: i32, b: i32): i32 { return saturatingRoundingDoublingHighMulInt16(a, b); }
export function rdbpot(x: i32, exponent: i32): i32 { return roundingDivideByPOT(x, exponent); }
export function mbqm(x: i32, multiplier: i32, shift: i32): i32 { return multiplyByQuantizedMultiplier(x, multiplier, shift); }
export function mbqmSingle(x: i32, multiplier: i32, shift: i32): i32 { return multiplyByQuantizedMultiplierSingleRounding(x, multiplier, shift); }
export function mbqmWide(x: i32, multiplier: i32, shift: i32): i32 { return multiplyByQuantizedMultiplierWide(x, multiplier, shift); }
export function srmbpot(x: i32, exponent: i32): i32 { return saturatingRoundingMultiplyByPOT(x, exponent); }
export function roundAway(x: f64): f64 { return roundHalfAwayFromZero(x); }
export function qmMultiplier(real: f64): i32 { quantizeMultiplier(real); return quantizedMultiplier; }
export function qmShift(real: f64): i32 { quantizeMultiplier(real); return quantizedShift; }
export function expNegative(a: i32, integerBits: i32): i32 { return expOnNegativeValues(a, integerBits); }
export function oneOverOnePlus(a: i32): i32 { return oneOverOnePlusX(a); }
export function reciprocalValue(x: i32, integerBits: i32): i32 { return reciprocal(x, integerBits); }
export function reciprocalBits(x: i32, integerBits: i32): i32 { reciprocal(x, integerBits); return reciprocalBitsOverUnit; }
export function invSqrtMultiplierOf(x: i32): i32 { invSqrtQuantizedMultiplier(x); return invSqrtMultiplier; }
export function invSqrtShiftOf(x: i32): i32 { invSqrtQuantizedMultiplier(x); return invSqrtShift; }
export function logistic16(x: i32, integerBits: i32): i32 { return logisticQ15(x, integerBits); }
export function tanh16(x: i32, integerBits: i32): i32 { return tanhQ15(x, integerBits); }
