// LOGISTIC, float32: TFLite's reference float Logistic, 1 / (1 + exp(-x)), with its cut-offs:
// 1 above 16.619047 (where the float result is 1 anyway) and exp(x) below -9.

import { expF32 } from "../lookup_kernel";
import { FloatElementwise } from "./elementwise";

const CUTOFF_UPPER: f32 = 16.619047164916992188;
const CUTOFF_LOWER: f32 = -9;

export class FloatLogistic extends FloatElementwise {
  apply(value: f32): f32 {
    if (value > CUTOFF_UPPER) return 1;
    if (value < CUTOFF_LOWER) return expF32(value);
    return <f32>1 / (<f32>1 + expF32(-value));
  }
}
