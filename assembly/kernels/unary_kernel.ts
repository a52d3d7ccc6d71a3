// Kernels with one data input and one output (activations, data movement, (de)quantization).

import { Graph } from "../graph";
import { Tensor, TensorType } from "../tensor";
import { checkArity, checkQuantized, checkSameElementCount, checkType, inputTensor, Kernel, outputTensor } from "./kernel";

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

  /** bindUnary for a quantized int8 input and output with the same number of elements. */
  bindInt8(graph: Graph): bool {
    const node = this.node;
    if (!this.bindUnary(graph)) return false;
    const input = this.input;
    const output = this.output;
    if (!checkType(node, input, TensorType.INT8, "input") || !checkType(node, output, TensorType.INT8, "output")) return false;
    return checkQuantized(node, input, "input") && checkQuantized(node, output, "output") && checkSameElementCount(node, input, output);
  }
}
