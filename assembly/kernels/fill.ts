// FILL: an output of shape `dims` with every element equal to the scalar `value` (whose type the
// output has; any element type of up to 8 bytes). Shapes are static in the engine: constant dims
// are checked against the output's shape at prepare; dims computed at run time (by SHAPE, for
// one) are checked as they are read, and a mismatch stops the invocation with an error.

import { Graph } from "../graph";
import { fail, Status } from "../status";
import { elementSize, Tensor } from "../tensor";
import { checkArity, inputTensor, Kernel, operatorError, operatorLabel, outputTensor, tensorLabel, unsupported } from "./kernel";
import { checkIndexType, checkSameType, indexAt } from "./parameters";
import { elementBits, fillElements } from "./strided_copy";

export class Fill extends Kernel {
  dims!: Tensor;
  value!: Tensor;
  output!: Tensor;
  size: i32 = 0;
  /** Reported when dims read at run time differ from the output's shape (built at prepare). */
  dimsError: string = "";

  prepare(graph: Graph): bool {
    const node = this.node;
    if (!checkArity(node, 2, 2, 1)) return false;
    const dims = inputTensor(graph, node, 0);
    const value = inputTensor(graph, node, 1);
    const output = outputTensor(graph, node, 0);
    this.dims = dims;
    this.value = value;
    this.output = output;
    if (!checkIndexType(node, dims, "dims") || !checkSameType(node, value, output)) return false;
    this.size = elementSize(output.type);
    if (this.size > 8) return unsupported(node, "output " + tensorLabel(output) + " has elements of more than 8 bytes");
    if (value.elementCount != 1) return operatorError(node, "value " + tensorLabel(value) + " must be a scalar");
    const mismatch = "dims " + tensorLabel(dims) + " differ from the shape of output " + tensorLabel(output);
    if (dims.rank != 1 || dims.elementCount != output.rank) return operatorError(node, mismatch);
    if (!dims.isConstant) {
      this.dimsError = operatorLabel(node) + ": " + mismatch;
      return true;
    }
    for (let d = 0; d < output.rank; d++) {
      if (indexAt(dims, d) != <i64>output.dim(d)) return operatorError(node, mismatch);
    }
    return true;
  }

  eval(): void {
    const output = this.output;
    const dims = this.dims;
    if (!dims.isConstant) {
      for (let d = 0; d < output.rank; d++) {
        if (indexAt(dims, d) != <i64>output.dim(d)) {
          fail(Status.INVALID_ARGUMENT, this.dimsError);
          return;
        }
      }
    }
    fillElements(output.data, output.elementCount, this.size, elementBits(this.value.data, this.size));
  }
}
