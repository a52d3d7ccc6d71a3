// Float -> quantized integer conversion shared by Interpreter.setInput and the sensor front-ends.

import { QUANTIZED_RANGE, type DType } from './dtype.js';
import { TinyqError } from './errors.js';

/**
 * How x / scale + zero point becomes an integer. `round` is TFLite's quantizer
 * (round(x / scale) half away from zero, then + zero point); `truncate` is
 * trunc(x / scale + zero point), the quantization of MLPerf Tiny's KWS features.
 */
export type Rounding = 'round' | 'truncate';

export interface Quantization {
  dtype: DType;
  scale: number;
  zeroPoint: number;
}

export type QuantizedArray = Int8Array | Uint8Array | Int16Array;

/** A new array of the quantization's integer dtype holding `values` quantized (float32 arithmetic, clamped). */
export function quantize(values: ArrayLike<number>, quantization: Quantization, rounding: Rounding = 'round'): QuantizedArray {
  const target = quantizedArray(quantization.dtype, values.length);
  quantizeInto(target, values, quantization.scale, quantization.zeroPoint, rounding);
  return target;
}

export function quantizedArray(dtype: DType, length: number): QuantizedArray {
  switch (dtype) {
    case 'int8': return new Int8Array(length);
    case 'uint8': return new Uint8Array(length);
    case 'int16': return new Int16Array(length);
    default: throw new TinyqError('INVALID_INPUT', `cannot quantize to ${dtype}; the quantized types are int8, uint8 and int16`);
  }
}

/** Quantizes into an existing int8/uint8/int16 array; NaN becomes the zero point. */
export function quantizeInto(target: QuantizedArray, values: ArrayLike<number>, scale: number, zeroPoint: number, rounding: Rounding = 'round'): void {
  const [low, high] = rangeOf(target);
  // Both references compute in float32: TFLite on float tensors, MLPerf's script on numpy float32 arrays.
  const floatScale = Math.fround(scale);
  for (let k = 0; k < values.length; k++) {
    const scaled = Math.fround(Math.fround(values[k]) / floatScale);
    let quantized: number;
    if (Number.isNaN(scaled)) quantized = zeroPoint;
    else if (rounding === 'round') quantized = Math.sign(scaled) * Math.round(Math.abs(scaled)) + zeroPoint;
    else quantized = Math.trunc(Math.fround(scaled + zeroPoint));
    target[k] = Math.min(high, Math.max(low, quantized));
  }
}

function rangeOf(target: QuantizedArray): [number, number] {
  if (target instanceof Int8Array) return QUANTIZED_RANGE.int8!;
  if (target instanceof Uint8Array) return QUANTIZED_RANGE.uint8!;
  return QUANTIZED_RANGE.int16!;
}
