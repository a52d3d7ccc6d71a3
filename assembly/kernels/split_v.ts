// SPLIT_V: the input cut along one axis into parts of the given sizes (one size may be -1: what
// the others leave), any element type. Sizes and axis must be constant tensors.

import { fieldI32 } from "../flatbuffer";
import { Graph } from "../graph";
import { OptionsType } from "../schema";
import { hasError } from "../status";
import { elementSize } from "../tensor";
import { SplitKernel } from "./axis_parts";
import { checkArity, inputTensor, operatorError, optionsOf, tensorLabel } from "./kernel";
import { checkIndexParameter, checkSplitOutputs, extentProduct, indexAt, outputTensors, resolveAxisTensor, resolvedAxis } from "./parameters";

export class SplitV extends SplitKernel {
  prepare(graph: Graph): bool {
    const node = this.node;
    if (!checkArity(node, 3, 3, node.outputs.length)) return false;
    const input = inputTensor(graph, node, 0);
    const sizeSplits = inputTensor(graph, node, 1);
    const outputs = outputTensors(graph, node);
    const splits = fieldI32(optionsOf(node, OptionsType.SPLIT_V), 0, 0);
    if (hasError()) return false;
    if (!resolveAxisTensor(node, inputTensor(graph, node, 2), input.rank, "axis")) return false;
    const axis = resolvedAxis;
    const extent = <i64>input.dim(axis);
    if (!checkIndexParameter(node, sizeSplits, "size_splits")) return false;
    if (splits < 1 || splits != outputs.length || sizeSplits.rank != 1 || sizeSplits.elementCount != splits) {
      return operatorError(node, "num_splits " + splits.toString() + " must equal its " + outputs.length.toString() + " outputs and the length of " + tensorLabel(sizeSplits));
    }

    const sizes = new StaticArray<i32>(splits);
    let inferred = -1;
    let total: i64 = 0;
    for (let i = 0; i < splits; i++) {
      const size = indexAt(sizeSplits, i);
      if (size == -1 && inferred < 0) {
        inferred = i;
      } else if (size < 0 || size > extent) {
        return operatorError(node, "size " + size.toString() + " in " + tensorLabel(sizeSplits) + " is invalid (one -1 at most)");
      } else {
        total += size;
        sizes[i] = <i32>size;
      }
    }
    if (inferred >= 0 && total <= extent) sizes[inferred] = <i32>(extent - total);
    else if (inferred >= 0 || total != extent) {
      return operatorError(node, "sizes " + tensorLabel(sizeSplits) + " do not add up to axis " + axis.toString() + " of " + tensorLabel(input));
    }
    if (!checkSplitOutputs(node, input, outputs, axis, sizes)) return false;

    this.parts.configure(input, outputs, extentProduct(input.shape, 0, axis), elementSize(input.type));
    return true;
  }
}
