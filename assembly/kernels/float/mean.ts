// MEAN, float32: TFLite's reference float Mean. Each output element is the float sum of the
// input elements it reduces (in row-major order) divided by their count.

import { Graph } from "../../graph";
import { checkArity, inputTensor, outputTensor } from "../kernel";
import { Reduce, Reduction } from "../reduce";
import { checkFloat32, loadF32, storeF32 } from "./activation";

export class FloatMean extends Reduce {
  constructor() {
    super(Reduction.MEAN);
  }

  prepare(graph: Graph): bool {
    const node = this.node;
    if (!checkArity(node, 2, 2, 1)) return false;
    this.input = inputTensor(graph, node, 0);
    this.output = outputTensor(graph, node, 0);
    if (!checkFloat32(node, [this.input, this.output], ["input", "output"])) return false;
    return this.configureAxes(inputTensor(graph, node, 1));
  }

  eval(): void {
    const input = this.input;
    const output = this.output;
    if (this.copiesInput) {
      memory.copy(output.data, input.data, <usize>input.byteSize);
      return;
    }
    const inputData = input.data;
    const outputData = output.data;
    const cursor = this.cursor;
    memory.fill(outputData, 0, <usize>output.byteSize);
    cursor.reset();
    for (let i = 0; i < input.elementCount; i++) {
      storeF32(outputData, cursor.first, loadF32(outputData, cursor.first) + loadF32(inputData, i));
      cursor.advance();
    }
    const count = <f32>this.reducedCount;
    for (let o = 0; o < output.elementCount; o++) storeF32(outputData, o, loadF32(outputData, o) / count);
  }
}
