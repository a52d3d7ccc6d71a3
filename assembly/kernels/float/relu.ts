// RELU, RELU6 and RELU_N1_TO_1, float32: each element clamped to [low, high] (high infinite for RELU).

import { clampFloat } from "./activation";
import { FloatElementwise } from "./elementwise";

export class FloatRelu extends FloatElementwise {
  constructor(readonly low: f32, readonly high: f32) {
    super();
  }

  apply(value: f32): f32 {
    return clampFloat(value, this.low, this.high);
  }
}
