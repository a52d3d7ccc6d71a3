// SLICE: the box of `size` elements starting at `begin` on every axis (size -1: to the end of
// the axis), up to 6-D, any element type. Begin and size must be constant int32/int64 tensors.

import { Graph } from "../graph";
import { elementSize } from "../tensor";
import { checkArity, checkOutputShape, inputTensor, operatorError, outputTensor, tensorLabel } from "./kernel";
import { checkCopyRank, checkIndexParameter, checkSameType, indexAt } from "./parameters";
import { elementStrides, StridedCopyKernel } from "./strided_copy";

export class Slice extends StridedCopyKernel {
  prepare(graph: Graph): bool {
    const node = this.node;
    if (!checkArity(node, 3, 3, 1)) return false;
    const input = inputTensor(graph, node, 0);
    const begin = inputTensor(graph, node, 1);
    const size = inputTensor(graph, node, 2);
    const output = outputTensor(graph, node, 0);
    this.input = input;
    this.output = output;
    if (!checkSameType(node, input, output) || !checkCopyRank(node, input, "input")) return false;
    if (!checkIndexParameter(node, begin, "begin") || !checkIndexParameter(node, size, "size")) return false;
    const rank = input.rank;
    if (begin.rank != 1 || begin.elementCount != rank || size.rank != 1 || size.elementCount != rank) {
      return operatorError(node, "begin " + tensorLabel(begin) + " and size " + tensorLabel(size) + " must have one value per input axis");
    }

    const shape = new StaticArray<i32>(rank);
    const starts = new StaticArray<i32>(rank);
    for (let axis = 0; axis < rank; axis++) {
      const extent = <i64>input.dim(axis);
      const start = indexAt(begin, axis);
      let count = indexAt(size, axis);
      if (count == -1) count = extent - start;
      if (start < 0 || start > extent || count < 0 || start + count > extent) {
        return operatorError(node, "begin " + start.toString() + " and size " + indexAt(size, axis).toString() + " leave axis " + axis.toString() + " of " + tensorLabel(input));
      }
      starts[axis] = <i32>start;
      shape[axis] = <i32>count;
    }
    if (!checkOutputShape(node, output, shape)) return false;

    const inputStrides = elementStrides(input.shape);
    const outputStrides = elementStrides(shape);
    const walk = this.walk;
    walk.begin(elementSize(input.type));
    for (let axis = 0; axis < rank; axis++) {
      walk.offset(starts[axis] * inputStrides[axis], 0);
      walk.axis(shape[axis], inputStrides[axis], outputStrides[axis]);
    }
    walk.end();
    return true;
  }
}
