// MIRROR_PAD: the input extended on every axis by its own mirror image, REFLECT (the edge element
// is not repeated) or SYMMETRIC (it is). Any element type; paddings must be constant. Prepare
// maps every output index of every axis to its input index with TFLite's formula and refuses
// paddings for which that index would leave the input (TFLite itself does not check).

import { fieldI8 } from "../flatbuffer";
import { Graph } from "../graph";
import { OptionsType } from "../schema";
import { hasError } from "../status";
import { elementSize } from "../tensor";
import { checkArity, checkOutputShape, inputTensor, operatorError, optionsOf, outputTensor, tensorLabel } from "./kernel";
import { checkSameType, paddedShape, readPaddings } from "./parameters";
import { copyRun, elementStrides } from "./strided_copy";
import { UnaryKernel } from "./unary_kernel";

const REFLECT: i32 = 0;

export class MirrorPad extends UnaryKernel {
  /** For each axis, the input byte offset of each output index along it. */
  sourceOffsets: StaticArray<StaticArray<i32>> = [];
  counter: StaticArray<i32> = [];
  size: i32 = 0;

  prepare(graph: Graph): bool {
    const node = this.node;
    if (!checkArity(node, 2, 2, 1)) return false;
    const input = inputTensor(graph, node, 0);
    const output = outputTensor(graph, node, 0);
    this.input = input;
    this.output = output;
    if (!checkSameType(node, input, output)) return false;
    const mode = fieldI8(optionsOf(node, OptionsType.MIRROR_PAD), 0, REFLECT);
    if (hasError()) return false;
    // REFLECT mirrors around the edge element, SYMMETRIC around the edge itself.
    const edge = mode == REFLECT ? 1 : 0;
    const rank = input.rank;
    const amounts = readPaddings(node, inputTensor(graph, node, 1), rank);
    if (amounts == null) return false;
    const shape = paddedShape(node, input, amounts);
    if (shape == null || !checkOutputShape(node, output, shape)) return false;

    const size = elementSize(input.type);
    const inputStrides = elementStrides(input.shape);
    const sourceOffsets = new StaticArray<StaticArray<i32>>(rank);
    for (let axis = 0; axis < rank; axis++) {
      const before = amounts[2 * axis];
      const extent = input.dim(axis);
      const offsets = new StaticArray<i32>(shape[axis]);
      for (let index = 0; index < shape[axis]; index++) {
        const source = mirroredIndex(index, before, extent, edge);
        if (source < 0 || source >= extent) {
          return operatorError(node, "padding " + amounts[2 * axis].toString() + ", " + amounts[2 * axis + 1].toString() + " of axis "
            + axis.toString() + " is too large to mirror " + tensorLabel(input));
        }
        offsets[index] = source * inputStrides[axis] * size;
      }
      sourceOffsets[axis] = offsets;
    }
    this.sourceOffsets = sourceOffsets;
    this.counter = new StaticArray<i32>(rank);
    this.size = size;
    return true;
  }

  eval(): void {
    const output = this.output;
    const rank = output.rank;
    const size = this.size;
    const from = this.input.data;
    let to = output.data;
    if (output.elementCount == 0) return;
    if (rank == 0) {
      copyRun(from, to, size);
      return;
    }
    const inner = unchecked(this.sourceOffsets[rank - 1]);
    const counter = this.counter;
    for (let axis = 0; axis < rank; axis++) unchecked(counter[axis] = 0);
    while (true) {
      let rowOffset = 0;
      for (let axis = 0; axis < rank - 1; axis++) rowOffset += unchecked(unchecked(this.sourceOffsets[axis])[unchecked(counter[axis])]);
      const row = from + <usize>rowOffset;
      for (let i = 0; i < inner.length; i++) {
        copyRun(row + <usize>unchecked(inner[i]), to, size);
        to += <usize>size;
      }
      let axis = rank - 2;
      while (axis >= 0) {
        const count = unchecked(counter[axis]) + 1;
        if (count < output.dim(axis)) {
          unchecked(counter[axis] = count);
          break;
        }
        unchecked(counter[axis] = 0);
        axis--;
      }
      if (axis < 0) return;
    }
  }
}

/** TFLite's GetInputDimension: the input index that output index `index` of one axis copies. */
function mirroredIndex(index: i32, before: i32, extent: i32, edge: i32): i32 {
  if (index < before) {
    const mirror = before + edge - 1;
    return mirror - min(index, mirror - edge);
  }
  let beyond = index - before;
  if (beyond < extent) return beyond;
  beyond -= extent;
  const mirror = extent - 1 - edge;
  return mirror - min(beyond, mirror);
}
