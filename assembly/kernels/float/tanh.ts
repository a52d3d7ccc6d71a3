// TANH, float32: std::tanh of each element, as TFLite's reference float Tanh.

import { tanhF32 } from "../lookup_kernel";
import { FloatElementwise } from "./elementwise";

export class FloatTanh extends FloatElementwise {
  apply(value: f32): f32 {
    return tanhF32(value);
  }
}
