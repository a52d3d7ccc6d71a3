// TFLite's int16 lookup tables (LUTPopulate<int16_t> / LUTLookup in kernels/internal/common.h):
// 513 samples of a function over the input's whole int16 range; a lookup takes the table entry
// of the top 9 bits and interpolates linearly with the low 7 bits.

import { roundHalfAwayFromZero } from "./quant";

export const INT16_TABLE_SIZE: i32 = 513;
const INT16_TABLE_STEPS: i32 = 512;

/**
 * Fills `table` with transform(real input) quantized to the output, in double precision as the
 * reference's softmax tables are. Each entry is biased by half the error that interpolating to
 * the midpoint of its step would make, so lookups are centred on the function.
 */
export function populateInt16Table(
  table: StaticArray<i16>, inputScale: f64, inputZeroPoint: i32, outputScale: f64, outputZeroPoint: i32,
  transform: (value: f64) => f64,
): void {
  const inputMin = inputScale * <f64>(i16.MIN_VALUE - inputZeroPoint);
  const inputMax = inputScale * <f64>(i16.MAX_VALUE - inputZeroPoint);
  const outputMin = outputScale * <f64>(i16.MIN_VALUE - outputZeroPoint);
  const outputMax = outputScale * <f64>(i16.MAX_VALUE - outputZeroPoint);
  const step = (inputMax - inputMin) / <f64>INT16_TABLE_STEPS;
  const halfStep = step / 2;
  const outputScalingInverse = 65536.0 / (outputMax - outputMin);
  for (let i = 0; i < INT16_TABLE_STEPS; i++) {
    const value = transform(inputMin + <f64>i * step);
    const midpointValue = transform(inputMin + <f64>i * step + halfStep);
    const nextValue = transform(inputMin + <f64>(i + 1) * step);
    const sample = roundHalfAwayFromZero(value * outputScalingInverse);
    const interpolatedMidpoint = roundHalfAwayFromZero((nextValue * outputScalingInverse + sample) / 2);
    const midpoint = roundHalfAwayFromZero(midpointValue * outputScalingInverse);
    const bias = roundHalfAwayFromZero((interpolatedMidpoint - midpoint) / 2);
    unchecked(table[i] = saturateInt16(sample - bias));
  }
  unchecked(table[INT16_TABLE_STEPS] = saturateInt16(roundHalfAwayFromZero(transform(inputMax) * outputScalingInverse)));
}

function saturateInt16(value: f64): i16 {
  return <i16>min<f64>(max<f64>(value, <f64>i16.MIN_VALUE), <f64>i16.MAX_VALUE);
}

/** TFLite's LUTLookup for int16: the entry for the top 9 bits plus the interpolated slope, rounded. */
// @ts-ignore: decorator
@inline
export function lookupInt16(table: StaticArray<i16>, value: i32): i32 {
  const index = 256 + (value >> 7);
  const offset = value & 0x7F;
  const base = <i32>unchecked(table[index]);
  const slope = <i32><i16>(<i32>unchecked(table[index + 1]) - base);
  return <i32><i16>(base + ((slope * offset + 64) >> 7));
}
