// RESHAPE: the same bytes under another shape. The shape comes from the output tensor, which
// the converter always fills; the optional shape input and options are not needed.

import { Graph } from "../graph";
import { Tensor } from "../tensor";
import { checkArity, checkSameElementCount, inputTensor, Kernel, outputTensor, unsupported, tensorLabel } from "./kernel";

export class Reshape extends Kernel {
  input!: Tensor;
  output!: Tensor;

  prepare(graph: Graph): bool {
    const node = this.node;
    if (!checkArity(node, 1, 2, 1)) return false;
    const input = inputTensor(graph, node, 0);
    const output = outputTensor(graph, node, 0);
    this.input = input;
    this.output = output;
    if (input.type != output.type) return unsupported(node, tensorLabel(input) + " and " + tensorLabel(output) + " must have the same type");
    return checkSameElementCount(node, input, output);
  }

  eval(): void {
    if (this.output.data != this.input.data) memory.copy(this.output.data, this.input.data, <usize>this.input.byteSize);
  }
}
