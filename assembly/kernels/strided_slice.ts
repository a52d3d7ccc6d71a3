// STRIDED_SLICE: x[begin:end:stride] on every axis, with TFLite's masks: begin_mask / end_mask
// (that bound of the axis is ignored), shrink_axis_mask (one index is taken and the axis dropped),
// ellipsis_mask (that spec stands for every axis the others do not name) and new_axis_mask (an
// axis of extent 1 is inserted). Begin, end and strides must be constant int32 tensors: prepare
// expands the masks and clamps the bounds as TFLite's strided-slice logic does, and eval is one
// strided copy (negative strides walk backwards). The `offset` form is not supported.

import { fieldI32, fieldU8 } from "../flatbuffer";
import { Graph, Node } from "../graph";
import { clamp } from "../quant";
import { OptionsType } from "../schema";
import { hasError } from "../status";
import { elementSize, Tensor, TensorType } from "../tensor";
import { checkArity, checkConstant, checkOutputShape, checkType, inputTensor, operatorError, optionsOf, outputTensor, tensorLabel, unsupported } from "./kernel";
import { checkSameType } from "./parameters";
import { elementStrides, MAX_COPY_RANK, StridedCopyKernel } from "./strided_copy";

// The masks are bit sets over at most 32 specs.
const MAX_SPECS: i32 = 32;

export class StridedSlice extends StridedCopyKernel {
  prepare(graph: Graph): bool {
    const node = this.node;
    if (!checkArity(node, 4, 4, 1)) return false;
    const input = inputTensor(graph, node, 0);
    const begin = inputTensor(graph, node, 1);
    const end = inputTensor(graph, node, 2);
    const strides = inputTensor(graph, node, 3);
    const output = outputTensor(graph, node, 0);
    this.input = input;
    this.output = output;
    if (!checkSameType(node, input, output)) return false;
    if (!checkSpec(node, begin, "begin") || !checkSpec(node, end, "end") || !checkSpec(node, strides, "strides")) return false;
    const specCount = begin.elementCount;
    if (end.elementCount != specCount || strides.elementCount != specCount || specCount > MAX_SPECS) {
      return operatorError(node, "begin, end and strides must have the same length, at most " + MAX_SPECS.toString());
    }
    const options = optionsOf(node, OptionsType.STRIDED_SLICE);
    const beginMask = fieldI32(options, 0, 0);
    const endMask = fieldI32(options, 1, 0);
    const ellipsisMask = fieldI32(options, 2, 0);
    const newAxisMask = fieldI32(options, 3, 0);
    const shrinkAxisMask = fieldI32(options, 4, 0);
    if (hasError()) return false;
    if (fieldU8(options, 5, 0) != 0) return unsupported(node, "the offset form of STRIDED_SLICE is not supported");

    // The effective input: the input with the new axes inserted (TFLite's BuildStridedSliceParams).
    const inputRank = input.rank;
    let newAxes = 0;
    for (let i = 0; i < specCount; i++) {
      if ((ellipsisMask & (1 << i)) == 0 && (newAxisMask & (1 << i)) != 0) newAxes++;
    }
    const rank = inputRank + newAxes;
    if (rank > MAX_COPY_RANK) return unsupported(node, "slices of more than " + MAX_COPY_RANK.toString() + " dimensions (new axes included) are not supported");

    // Which effective axes the ellipsis covers and which are new.
    let effectiveEllipsis = 0;
    let effectiveNewAxis = 0;
    let ellipsisStart = rank;
    let expandedEllipsis = 0;
    for (let i = 0; i < rank;) {
      if ((ellipsisMask & (1 << i)) != 0) {
        ellipsisStart = i;
        const ellipsisEnd = max(i + 1, min(i + 1 + newAxes + inputRank - specCount, rank));
        expandedEllipsis = ellipsisEnd - ellipsisStart - 1;
        for (; i < ellipsisEnd; i++) effectiveEllipsis |= 1 << i;
        continue;
      }
      if ((newAxisMask & (1 << (i - expandedEllipsis))) != 0) effectiveNewAxis |= 1 << i;
      i++;
    }

    const shape = new StaticArray<i32>(rank);
    const starts = new StaticArray<i32>(rank);
    const stops = new StaticArray<i32>(rank);
    const steps = new StaticArray<i32>(rank);
    let effectiveBeginMask = 0;
    let effectiveEndMask = 0;
    let effectiveShrinkMask = 0;
    let addedEllipsis = 0;
    let addedAxes = 0;
    for (let i = 0; i < rank; i++) {
      const bit = 1 << i;
      const inputAxis = i - addedAxes;
      steps[i] = 1;
      if ((effectiveNewAxis & bit) != 0) {
        stops[i] = 1;
        shape[i] = 1;
        addedAxes++;
        continue;
      }
      if (inputAxis >= inputRank) return operatorError(node, "its masks name more axes than " + tensorLabel(input) + " has");
      shape[i] = input.dim(inputAxis);
      if ((effectiveEllipsis & bit) != 0) {
        addedEllipsis = max(0, i - ellipsisStart);
        effectiveBeginMask |= bit;
        effectiveEndMask |= bit;
      } else if (i >= specCount + expandedEllipsis) {
        effectiveBeginMask |= bit;
        effectiveEndMask |= bit;
      } else {
        const spec = i - addedEllipsis;
        const specBit = 1 << spec;
        starts[i] = specValue(begin, spec);
        stops[i] = specValue(end, spec);
        steps[i] = specValue(strides, spec);
        if ((beginMask & specBit) != 0) effectiveBeginMask |= bit;
        if ((endMask & specBit) != 0) effectiveEndMask |= bit;
        if ((shrinkAxisMask & specBit) != 0) effectiveShrinkMask |= bit;
      }
    }

    // Resolve every axis to a first index and a count (TFLite's StridedSliceStart/EndForAxis).
    const counts = new StaticArray<i32>(rank);
    let outputRank = 0;
    for (let i = 0; i < rank; i++) {
      const bit = 1 << i;
      const extent = shape[i];
      const step = steps[i];
      if (step == 0) return operatorError(node, "stride of axis " + i.toString() + " is 0");
      let start = starts[i];
      if (start < 0) start += extent;
      start = step > 0 ? clamp(start, 0, extent) : clamp(start, -1, extent - 1);
      if ((effectiveBeginMask & bit) != 0) start = step > 0 ? 0 : extent - 1;
      starts[i] = start;
      if ((effectiveShrinkMask & bit) != 0) {
        // TFLite's loop takes no element here, which would leave the output unwritten.
        if (start >= extent || step < 0) return operatorError(node, "shrinks axis " + i.toString() + " at an index outside " + tensorLabel(input) + " or with a negative stride");
        counts[i] = 1;
        continue;
      }
      let stop = stops[i];
      if (stop < 0) stop += extent;
      stop = step > 0 ? clamp(stop, 0, extent) : clamp(stop, -1, extent - 1);
      if ((effectiveEndMask & bit) != 0) stop = step > 0 ? extent : -1;
      const distance = step > 0 ? stop - start : start - stop;
      const stride = step > 0 ? step : -step;
      counts[i] = distance <= 0 ? 0 : <i32>((<i64>distance + stride - 1) / stride);
      outputRank++;
    }
    const outputShape = new StaticArray<i32>(outputRank);
    for (let i = 0, o = 0; i < rank; i++) {
      if ((effectiveShrinkMask & (1 << i)) == 0) outputShape[o++] = counts[i];
    }
    if (!checkOutputShape(node, output, outputShape)) return false;

    const inputStrides = elementStrides(shape);
    const outputStrides = elementStrides(counts);
    const walk = this.walk;
    walk.begin(elementSize(input.type));
    for (let i = 0; i < rank; i++) {
      walk.offset(starts[i] * inputStrides[i], 0);
      walk.axis(counts[i], steps[i] * inputStrides[i], outputStrides[i]);
    }
    walk.end();
    return true;
  }
}

function checkSpec(node: Node, tensor: Tensor, role: string): bool {
  if (!checkType(node, tensor, TensorType.INT32, role) || !checkConstant(node, tensor, role)) return false;
  if (tensor.rank == 1) return true;
  return operatorError(node, role + " " + tensorLabel(tensor) + " must be 1-D");
}

function specValue(tensor: Tensor, i: i32): i32 {
  return load<i32>(tensor.data + (<usize>i << 2));
}
