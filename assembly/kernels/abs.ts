// ABS, int8: TFLite's reference quantized Abs (elementwise.cc). |q - input_zero_point| is
// requantized by input_scale / output_scale (ratio in float) unless both scales are equal.

import { Graph } from "../graph";
import { clamp, multiplyByQuantizedMultiplier, quantizedMultiplier, quantizedShift, quantizeMultiplier } from "../quant";
import { Int8LookupKernel } from "./lookup_kernel";

export class Abs extends Int8LookupKernel {
  needsRescale: bool = false;
  multiplier: i32 = 0;
  shift: i32 = 0;

  prepare(graph: Graph): bool {
    if (!this.bindInt8(graph)) return false;
    this.needsRescale = this.input.scale != this.output.scale;
    quantizeMultiplier(<f64>(this.input.scale / this.output.scale));
    this.multiplier = quantizedMultiplier;
    this.shift = quantizedShift;
    this.fillTable();
    return true;
  }

  outputFor(q: i32): i32 {
    const magnitude = abs(q - this.input.zeroPoint);
    const scaled = this.needsRescale ? multiplyByQuantizedMultiplier(magnitude, this.multiplier, this.shift) : magnitude;
    return clamp(scaled + this.output.zeroPoint, -128, 127);
  }
}
