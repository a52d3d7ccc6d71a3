// Base of the float32 operators that map each input element to one output element on its own
// (LOGISTIC, TANH, RELU, RELU6, RELU_N1_TO_1).

import { Graph } from "../../graph";
import { checkSameElementCount } from "../kernel";
import { UnaryKernel } from "../unary_kernel";
import { checkFloat32, loadF32, storeF32 } from "./activation";

export class FloatElementwise extends UnaryKernel {
  prepare(graph: Graph): bool {
    if (!this.bindUnary(graph)) return false;
    return checkFloat32(this.node, [this.input, this.output], ["input", "output"]) && checkSameElementCount(this.node, this.input, this.output);
  }

  /** The output value of one input value. */
  apply(value: f32): f32 {
    return value;
  }

  eval(): void {
    const inputData = this.input.data;
    const outputData = this.output.data;
    for (let i = 0; i < this.input.elementCount; i++) storeF32(outputData, i, this.apply(loadF32(inputData, i)));
  }
}
