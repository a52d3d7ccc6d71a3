// RELU, RELU_N1_TO_1 and RELU6, int8: TFLite's ReluPrepare and QuantizedReluX (one kernel with
// three clamps). Unlike a fused activation, the standalone operator requantizes from the input's
// scale to the output's (double-rounding MultiplyByQuantizedMultiplier) and then clamps to the
// quantized bounds, which are rounded in float as the reference does.

import { Graph } from "../graph";
import { clamp, multiplyByQuantizedMultiplier, quantizedMultiplier, quantizedShift, quantizeMultiplier, roundHalfAwayFromZeroF32 } from "../quant";
import { Int8LookupKernel } from "./lookup_kernel";

export class Relu extends Int8LookupKernel {
  multiplier: i32 = 0;
  shift: i32 = 0;
  outputMin: i32 = 0;
  outputMax: i32 = 0;

  /** The real clamp bounds; `high` is infinite for RELU (no upper bound). */
  constructor(readonly low: f32, readonly high: f32) {
    super();
  }

  prepare(graph: Graph): bool {
    if (!this.bindInt8(graph)) return false;
    const input = this.input;
    const output = this.output;
    // The ratio is taken in float before widening, as the reference writes it.
    quantizeMultiplier(<f64>(input.scale / output.scale));
    this.multiplier = quantizedMultiplier;
    this.shift = quantizedShift;
    this.outputMin = max(-128, output.zeroPoint + <i32>roundHalfAwayFromZeroF32(this.low / output.scale));
    this.outputMax = this.high == Infinity ? 127 : min(127, output.zeroPoint + <i32>roundHalfAwayFromZeroF32(this.high / output.scale));
    this.fillTable();
    return true;
  }

  outputFor(q: i32): i32 {
    const value = this.output.zeroPoint + multiplyByQuantizedMultiplier(q - this.input.zeroPoint, this.multiplier, this.shift);
    return clamp(value, this.outputMin, this.outputMax);
  }
}
