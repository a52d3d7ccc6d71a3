// Kernels with one data input and one output (activations, data movement, (de)quantization).

import { Graph } from "../graph";
import { Tensor } from "../tensor";
import { checkArity, inputTensor, Kernel, outputTensor } from "./kernel";

export class UnaryKernel extends Kernel {
  input!: Tensor;
  output!: Tensor;

  /** Checks the arity (extra inputs, such as a shape operand, may be allowed) and binds the tensors. */
  bindUnary(graph: Graph, maxInputs: i32 = 1): bool {
    if (!checkArity(this.node, 1, maxInputs, 1)) return false;
    this.input = inputTensor(graph, this.node, 0);
    this.output = outputTensor(graph, this.node, 0);
    return true;
  }
}
