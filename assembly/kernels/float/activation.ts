// What the float32 kernels share: TFLite's reference float semantics for fused activations
// (CalculateActivationRange for float, then ActivationFunctionWithMinMax) and the float32 type
// checks of their tensors.

import { Node } from "../../graph";
import { Activation } from "../../schema";
import { Tensor, TensorType } from "../../tensor";
import { checkType, operatorError } from "../kernel";

/** The real bounds of a fused activation (infinite where it has none). */
export class FloatRange {
  low: f32 = -Infinity;
  high: f32 = Infinity;

  /** TFLite's CalculateActivationRange<float>; false (with the error set) for other activations. */
  configure(node: Node, activation: i32): bool {
    this.low = -Infinity;
    this.high = Infinity;
    if (activation == Activation.RELU || activation == Activation.RELU6) this.low = 0;
    if (activation == Activation.RELU6) this.high = 6;
    if (activation == Activation.RELU_N1_TO_1) {
      this.low = -1;
      this.high = 1;
    }
    if (activation < Activation.NONE || activation > Activation.RELU6) {
      return operatorError(node, "fused activation " + activation.toString() + " is not supported");
    }
    return true;
  }
}

/** ActivationFunctionWithMinMax: std::min(std::max(x, low), high), which keeps a NaN as it is. */
// @ts-ignore: decorator
@inline
export function clampFloat(value: f32, low: f32, high: f32): f32 {
  const raised = value < low ? low : value;
  return high < raised ? high : raised;
}

/** Checks that every given tensor is float32. */
export function checkFloat32(node: Node, tensors: StaticArray<Tensor>, roles: StaticArray<string>): bool {
  for (let i = 0; i < tensors.length; i++) {
    if (!checkType(node, tensors[i], TensorType.FLOAT32, roles[i])) return false;
  }
  return true;
}

/** The float32 value at element `index` of `data`. */
// @ts-ignore: decorator
@inline
export function loadF32(data: usize, index: i32): f32 {
  return load<f32>(data + (<usize>index << 2));
}

// @ts-ignore: decorator
@inline
export function storeF32(data: usize, index: i32, value: f32): void {
  store<f32>(data + (<usize>index << 2), value);
}
