// RSQRT, int8: TFLite's reference quantized Rsqrt (elementwise.cc). 1 / sqrt(q - zero_point)
// comes from the fixed-point inverse square root (kept 2^20 larger to stay an integer) and is
// requantized by 1 / (sqrt(input_scale) * output_scale), the product taken in float.
// The reference refuses to invoke on an input below the zero point (a negative real); tinyq
// cannot fail during invoke, so it gives those the largest output, as the reference does for 0.

import { Graph } from "../graph";
import { invSqrtMultiplier, invSqrtQuantizedMultiplier, invSqrtShift } from "../gemmlowp";
import { clamp, multiplyByQuantizedMultiplier, quantizedMultiplier, quantizedShift, quantizeMultiplier } from "../quant";
import { operatorError } from "./kernel";
import { Int8LookupKernel } from "./lookup_kernel";

const INTEGER_SHIFT: i32 = 20;

export class Rsqrt extends Int8LookupKernel {
  multiplier: i32 = 0;
  shift: i32 = 0;

  prepare(graph: Graph): bool {
    if (!this.bindInt8(graph)) return false;
    quantizeMultiplier(1.0 / <f64>(Mathf.sqrt(this.input.scale) * this.output.scale));
    this.multiplier = quantizedMultiplier;
    this.shift = quantizedShift;
    if (this.shift - INTEGER_SHIFT < -31) return operatorError(this.node, "input and output scales are too large for the fixed-point inverse square root");
    this.fillTable();
    return true;
  }

  outputFor(q: i32): i32 {
    const value = q - this.input.zeroPoint;
    if (value <= 0) return 127;
    invSqrtQuantizedMultiplier(value);
    const inverseSqrt = multiplyByQuantizedMultiplier(1, invSqrtMultiplier, invSqrtShift + INTEGER_SHIFT);
    return clamp(multiplyByQuantizedMultiplier(inverseSqrt, this.multiplier, this.shift - INTEGER_SHIFT) + this.output.zeroPoint, -128, 127);
  }
}
