// TRANSPOSE: output axis i is input axis perm[i] (a negative entry counts from the end), up to
// 6-D, any element type. The permutation must be constant: the walk is set up at prepare.
// Quantized tensors must share scale and zero point, as TFLite's kernel requires.

import { Graph } from "../graph";
import { elementSize, TensorType } from "../tensor";
import { checkArity, checkConstant, checkOutputShape, checkType, inputTensor, operatorError, outputTensor, tensorLabel } from "./kernel";
import { checkCopyRank, checkSameQuantization, checkSameType, resolveAxis, resolvedAxis } from "./parameters";
import { elementStrides, StridedCopyKernel } from "./strided_copy";

export class Transpose extends StridedCopyKernel {
  prepare(graph: Graph): bool {
    const node = this.node;
    if (!checkArity(node, 2, 2, 1)) return false;
    const input = inputTensor(graph, node, 0);
    const permutation = inputTensor(graph, node, 1);
    const output = outputTensor(graph, node, 0);
    this.input = input;
    this.output = output;
    if (!checkSameType(node, input, output) || !checkCopyRank(node, input, "input")) return false;
    // TFLite reads the permutation as int32 whatever its declared type.
    if (!checkType(node, permutation, TensorType.INT32, "permutation") || !checkConstant(node, permutation, "permutation")) return false;
    const rank = input.rank;
    if (permutation.rank != 1 || permutation.elementCount != rank) {
      return operatorError(node, "permutation " + tensorLabel(permutation) + " must list the " + rank.toString() + " input axes");
    }
    const quantized = input.type == TensorType.INT8 || input.type == TensorType.UINT8 || input.type == TensorType.INT16;
    if (quantized && !checkSameQuantization(node, input, output)) return false;

    const shape = new StaticArray<i32>(rank);
    const sourceAxes = new StaticArray<i32>(rank);
    const used = new StaticArray<bool>(rank);
    for (let i = 0; i < rank; i++) {
      if (!resolveAxis(node, load<i32>(permutation.data + (<usize>i << 2)), rank, "permutation entry")) return false;
      // A repeated axis would make the walk leave the input.
      if (used[resolvedAxis]) return operatorError(node, "permutation " + tensorLabel(permutation) + " names axis " + resolvedAxis.toString() + " twice");
      used[resolvedAxis] = true;
      sourceAxes[i] = resolvedAxis;
      shape[i] = input.dim(resolvedAxis);
    }
    if (!checkOutputShape(node, output, shape)) return false;

    const inputStrides = elementStrides(input.shape);
    const outputStrides = elementStrides(shape);
    const walk = this.walk;
    walk.begin(elementSize(input.type));
    for (let i = 0; i < rank; i++) walk.axis(shape[i], inputStrides[sourceAxes[i]], outputStrides[i]);
    walk.end();
    return true;
  }
}
