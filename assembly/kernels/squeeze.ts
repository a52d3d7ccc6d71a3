// SQUEEZE: the same bytes without the listed axes of extent 1 (all of them when the list is
// empty), any element type.

import { fieldVector, readI32, vectorElement, vectorLength } from "../flatbuffer";
import { Graph } from "../graph";
import { OptionsType } from "../schema";
import { hasError } from "../status";
import { checkOutputShape, operatorError, optionsOf, tensorLabel } from "./kernel";
import { checkSameType, resolveAxis, resolvedAxis } from "./parameters";
import { Reshape } from "./reshape";

export class Squeeze extends Reshape {
  prepare(graph: Graph): bool {
    const node = this.node;
    if (!this.bindUnary(graph)) return false;
    const input = this.input;
    if (!checkSameType(node, input, this.output)) return false;
    const listed = fieldVector(optionsOf(node, OptionsType.SQUEEZE), 0, 4);
    if (hasError()) return false;
    const rank = input.rank;
    const removed = new StaticArray<bool>(rank);
    const listedCount = vectorLength(listed);
    for (let i = 0; i < listedCount; i++) {
      if (!resolveAxis(node, readI32(vectorElement(listed, i, 4)), rank, "squeezed axis")) return false;
      if (input.dim(resolvedAxis) != 1) return operatorError(node, "squeezed axis " + resolvedAxis.toString() + " of " + tensorLabel(input) + " is not 1");
      removed[resolvedAxis] = true;
    }
    let kept = 0;
    for (let d = 0; d < rank; d++) {
      if (listedCount == 0) removed[d] = input.dim(d) == 1;
      if (!removed[d]) kept++;
    }
    const shape = new StaticArray<i32>(kept);
    for (let d = 0, o = 0; d < rank; d++) if (!removed[d]) shape[o++] = input.dim(d);
    return checkOutputShape(node, this.output, shape);
  }
}
