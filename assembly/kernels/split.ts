// SPLIT: the input cut along one axis into num_splits equal parts, any element type. The axis
// (the first input) must be a constant tensor.

import { fieldI32 } from "../flatbuffer";
import { Graph } from "../graph";
import { OptionsType } from "../schema";
import { hasError } from "../status";
import { elementSize } from "../tensor";
import { SplitKernel } from "./axis_parts";
import { checkArity, inputTensor, operatorError, optionsOf, tensorLabel } from "./kernel";
import { checkSplitOutputs, extentProduct, outputTensors, resolveAxisTensor, resolvedAxis } from "./parameters";

export class Split extends SplitKernel {
  prepare(graph: Graph): bool {
    const node = this.node;
    if (!checkArity(node, 2, 2, node.outputs.length)) return false;
    const input = inputTensor(graph, node, 1);
    const outputs = outputTensors(graph, node);
    const splits = fieldI32(optionsOf(node, OptionsType.SPLIT), 0, 0);
    if (hasError()) return false;
    if (!resolveAxisTensor(node, inputTensor(graph, node, 0), input.rank, "axis")) return false;
    const axis = resolvedAxis;
    const extent = input.dim(axis);
    if (splits < 1 || splits != outputs.length || extent % splits != 0) {
      return operatorError(node, "num_splits " + splits.toString() + " must equal its " + outputs.length.toString() + " outputs and divide axis " + axis.toString() + " of " + tensorLabel(input));
    }
    const sizes = new StaticArray<i32>(splits);
    for (let i = 0; i < splits; i++) sizes[i] = extent / splits;
    if (!checkSplitOutputs(node, input, outputs, axis, sizes)) return false;

    this.parts.configure(input, outputs, extentProduct(input.shape, 0, axis), elementSize(input.type));
    return true;
  }
}
