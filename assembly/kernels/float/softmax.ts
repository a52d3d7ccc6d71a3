// SOFTMAX, float32, over the last axis: TFLite's reference float Softmax. Per row: the maximum,
// exp((x - max) * beta) for each element and their sum, then each exp divided by the sum.

import { fieldF32 } from "../../flatbuffer";
import { Graph } from "../../graph";
import { OptionsType } from "../../schema";
import { checkSameElementCount, operatorError, optionsOf } from "../kernel";
import { expF32 } from "../lookup_kernel";
import { UnaryKernel } from "../unary_kernel";
import { checkFloat32, loadF32, storeF32 } from "./activation";

export class FloatSoftmax extends UnaryKernel {
  beta: f32 = 1;

  prepare(graph: Graph): bool {
    const node = this.node;
    if (!this.bindUnary(graph)) return false;
    const input = this.input;
    if (!checkFloat32(node, [input, this.output], ["input", "output"]) || !checkSameElementCount(node, input, this.output)) return false;
    if (input.rank < 1) return operatorError(node, "input must have at least one dimension");
    this.beta = fieldF32(optionsOf(node, OptionsType.SOFTMAX), 0, 1);
    return true;
  }

  eval(): void {
    const input = this.input;
    const depth = input.dim(input.rank - 1);
    if (depth == 0) return;
    const rows = input.elementCount / depth;
    const inputData = input.data;
    const outputData = this.output.data;
    for (let row = 0; row < rows; row++) {
      const start = row * depth;
      let maximum: f32 = -f32.MAX_VALUE;
      for (let c = 0; c < depth; c++) {
        const value = loadF32(inputData, start + c);
        maximum = maximum < value ? value : maximum;
      }
      let sum: f32 = 0;
      for (let c = 0; c < depth; c++) {
        const exponential = expF32((loadF32(inputData, start + c) - maximum) * this.beta);
        storeF32(outputData, start + c, exponential);
        sum += exponential;
      }
      for (let c = 0; c < depth; c++) storeF32(outputData, start + c, loadF32(outputData, start + c) / sum);
    }
  }
}
