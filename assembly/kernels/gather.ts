// GATHER: the slices of the input at the given positions along one axis (batch_dims 0), any
// element type, int32 or int64 positions. The output's shape is the input's with that axis
// replaced by the positions' shape. Constant positions are checked at prepare; positions
// computed at run time are checked as they are read, and one outside the axis stops the
// invocation with an error (as TFLite's kernel does) instead of reading outside the input.

import { fieldI32 } from "../flatbuffer";
import { Graph } from "../graph";
import { OptionsType } from "../schema";
import { fail, hasError, Status } from "../status";
import { elementSize, Tensor } from "../tensor";
import { checkArity, checkOutputShape, inputTensor, Kernel, operatorError, operatorLabel, optionsOf, outputTensor, tensorLabel, unsupported } from "./kernel";
import { checkIndexType, checkSameType, indexAt, resolveAxis, resolvedAxis } from "./parameters";

export class Gather extends Kernel {
  input!: Tensor;
  positions!: Tensor;
  output!: Tensor;
  outerCount: i32 = 0;
  axisExtent: i32 = 0;
  sliceBytes: i32 = 0;
  /** Reported when a position read at run time lies outside the axis (built at prepare). */
  positionError: string = "";

  prepare(graph: Graph): bool {
    const node = this.node;
    if (!checkArity(node, 2, 2, 1)) return false;
    const input = inputTensor(graph, node, 0);
    const positions = inputTensor(graph, node, 1);
    const output = outputTensor(graph, node, 0);
    this.input = input;
    this.positions = positions;
    this.output = output;
    if (!checkSameType(node, input, output) || !checkIndexType(node, positions, "positions")) return false;
    const options = optionsOf(node, OptionsType.GATHER);
    const axisOption = fieldI32(options, 0, 0);
    const batchDims = fieldI32(options, 1, 0);
    if (hasError()) return false;
    if (batchDims != 0) return unsupported(node, "batch_dims " + batchDims.toString() + " is not supported (only 0)");
    if (!resolveAxis(node, axisOption, input.rank, "axis")) return false;
    const axis = resolvedAxis;

    const shape = new StaticArray<i32>(input.rank - 1 + positions.rank);
    let outer = 1;
    let inner = 1;
    let o = 0;
    for (let d = 0; d < axis; d++) {
      shape[o++] = input.dim(d);
      outer *= input.dim(d);
    }
    for (let d = 0; d < positions.rank; d++) shape[o++] = positions.dim(d);
    for (let d = axis + 1; d < input.rank; d++) {
      shape[o++] = input.dim(d);
      inner *= input.dim(d);
    }
    if (!checkOutputShape(node, output, shape)) return false;
    this.outerCount = outer;
    this.axisExtent = input.dim(axis);
    this.sliceBytes = inner * elementSize(input.type);

    const range = "[0, " + this.axisExtent.toString() + ")";
    if (positions.isConstant) {
      for (let i = 0; i < positions.elementCount; i++) {
        const position = indexAt(positions, i);
        if (position < 0 || position >= <i64>this.axisExtent) {
          return operatorError(node, "position " + position.toString() + " of " + tensorLabel(positions) + " is outside " + range);
        }
      }
    } else {
      this.positionError = operatorLabel(node) + ": a position in " + tensorLabel(positions) + " is outside " + range;
    }
    return true;
  }

  eval(): void {
    const positions = this.positions;
    const count = positions.elementCount;
    const extent = <i64>this.axisExtent;
    const bytes = this.sliceBytes;
    const from = this.input.data;
    let to = this.output.data;
    for (let outer = 0; outer < this.outerCount; outer++) {
      const block = from + <usize>(outer * this.axisExtent * bytes);
      for (let i = 0; i < count; i++) {
        const position = indexAt(positions, i);
        if (position < 0 || position >= extent) {
          fail(Status.INVALID_ARGUMENT, this.positionError);
          return;
        }
        memory.copy(to, block + <usize>(<i32>position * bytes), <usize>bytes);
        to += <usize>bytes;
      }
    }
  }
}
