// PAD and PADV2 (one TFLite kernel): the input surrounded on every axis by `paddings` elements of
// one value, up to 6-D, any element type of up to 8 bytes. PAD pads quantized tensors with the
// output's zero point (the quantized 0.0) and others with 0; PADV2 pads with its constant scalar,
// which for quantized tensors must have the output's scale and zero point. Paddings and the
// constant must be constant tensors. Eval fills the output with the value, then copies the input
// into the interior.

import { Graph } from "../graph";
import { elementSize, TensorType } from "../tensor";
import { checkArity, checkConstant, checkOutputShape, checkType, inputTensor, operatorError, optionalInput, outputTensor, tensorLabel, unsupported } from "./kernel";
import { checkCopyRank, checkSameQuantization, checkSameType, paddedShape, readPaddings } from "./parameters";
import { elementBits, elementStrides, fillElements, StridedCopyKernel } from "./strided_copy";

export class Pad extends StridedCopyKernel {
  /** The padding element's bytes. */
  padBits: u64 = 0;

  prepare(graph: Graph): bool {
    const node = this.node;
    if (!checkArity(node, 2, 3, 1)) return false;
    const input = inputTensor(graph, node, 0);
    const output = outputTensor(graph, node, 0);
    const constantValue = optionalInput(graph, node, 2);
    this.input = input;
    this.output = output;
    if (!checkSameType(node, input, output) || !checkCopyRank(node, input, "input")) return false;
    const size = elementSize(input.type);
    if (size > 8) return unsupported(node, "input " + tensorLabel(input) + " has elements of more than 8 bytes");
    const amounts = readPaddings(node, inputTensor(graph, node, 1), input.rank);
    if (amounts == null) return false;
    const shape = paddedShape(node, input, amounts);
    if (shape == null || !checkOutputShape(node, output, shape)) return false;

    const quantized = input.type == TensorType.UINT8
      || ((input.type == TensorType.INT8 || input.type == TensorType.INT16) && input.quantizationCount > 0);
    if (constantValue != null) {
      if (!checkType(node, constantValue, input.type, "constant value") || !checkConstant(node, constantValue, "constant value")) return false;
      if (constantValue.elementCount != 1) return operatorError(node, "constant value " + tensorLabel(constantValue) + " must be a scalar");
      if (quantized && !checkSameQuantization(node, constantValue, output)) return false;
      this.padBits = elementBits(constantValue.data, size);
    } else {
      this.padBits = quantized ? <u64><i64>output.zeroPoint : 0;
    }

    const inputStrides = elementStrides(input.shape);
    const outputStrides = elementStrides(shape);
    const walk = this.walk;
    walk.begin(size);
    for (let axis = 0; axis < input.rank; axis++) {
      walk.offset(0, amounts[2 * axis] * outputStrides[axis]);
      walk.axis(input.dim(axis), inputStrides[axis], outputStrides[axis]);
    }
    walk.end();
    return true;
  }

  eval(): void {
    const output = this.output;
    fillElements(output.data, output.elementCount, this.walk.elementSize, this.padBits);
    this.walk.copy(this.input.data, output.data);
  }
}
