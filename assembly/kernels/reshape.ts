// RESHAPE: the same bytes under another shape. The shape comes from the output tensor, which
// the converter always fills; the optional shape input and options are not needed.

import { Graph } from "../graph";
import { checkSameElementCount, tensorLabel, unsupported } from "./kernel";
import { UnaryKernel } from "./unary_kernel";

export class Reshape extends UnaryKernel {
  prepare(graph: Graph): bool {
    const node = this.node;
    if (!this.bindUnary(graph, 2)) return false;
    const input = this.input;
    const output = this.output;
    if (input.type != output.type) return unsupported(node, tensorLabel(input) + " and " + tensorLabel(output) + " must have the same type");
    return checkSameElementCount(node, input, output);
  }

  eval(): void {
    if (this.output.data != this.input.data) memory.copy(this.output.data, this.input.data, <usize>this.input.byteSize);
  }
}
