// EXPAND_DIMS: the same bytes with an axis of extent 1 inserted at the given position (which
// counts from the end when negative), any element type. The position must be constant.

import { Graph } from "../graph";
import { checkArity, checkOutputShape, inputTensor, outputTensor } from "./kernel";
import { checkSameType, resolveAxisTensor, resolvedAxis } from "./parameters";
import { Reshape } from "./reshape";

export class ExpandDims extends Reshape {
  prepare(graph: Graph): bool {
    const node = this.node;
    if (!checkArity(node, 2, 2, 1)) return false;
    const input = inputTensor(graph, node, 0);
    const output = outputTensor(graph, node, 0);
    this.input = input;
    this.output = output;
    if (!checkSameType(node, input, output)) return false;
    const rank = input.rank;
    if (!resolveAxisTensor(node, inputTensor(graph, node, 1), rank + 1, "axis")) return false;
    const shape = new StaticArray<i32>(rank + 1);
    for (let d = 0, i = 0; d <= rank; d++) shape[d] = d == resolvedAxis ? 1 : input.dim(i++);
    return checkOutputShape(node, output, shape);
  }
}
