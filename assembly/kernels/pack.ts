// PACK: N tensors of one shape stacked along a new axis, any element type. The inputs must have
// the output's scale and zero point, as TFLite requires.

import { fieldI32 } from "../flatbuffer";
import { Graph } from "../graph";
import { OptionsType } from "../schema";
import { hasError } from "../status";
import { elementSize } from "../tensor";
import { JoinKernel } from "./axis_parts";
import { checkOutputShape, operatorError, optionsOf, outputTensor, tensorLabel } from "./kernel";
import { checkSameQuantization, checkSameType, extentProduct, resolveAxis, resolvedAxis, variadicInputs } from "./parameters";

export class Pack extends JoinKernel {
  prepare(graph: Graph): bool {
    const node = this.node;
    const inputs = variadicInputs(graph, node);
    if (inputs == null) return false;
    const first = inputs[0];
    const output = outputTensor(graph, node, 0);
    const options = optionsOf(node, OptionsType.PACK);
    const valuesCount = fieldI32(options, 0, 0);
    const axisOption = fieldI32(options, 1, 0);
    if (hasError()) return false;
    if (valuesCount != inputs.length) return operatorError(node, "values_count " + valuesCount.toString() + " differs from its " + inputs.length.toString() + " inputs");
    const rank = first.rank;
    if (!resolveAxis(node, axisOption, rank + 1, "axis")) return false;
    const axis = resolvedAxis;
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i];
      if (!checkSameType(node, input, output) || !checkSameQuantization(node, input, output)) return false;
      let sameShape = input.rank == rank;
      for (let d = 0; sameShape && d < rank; d++) sameShape = input.dim(d) == first.dim(d);
      if (!sameShape) return operatorError(node, tensorLabel(input) + " and " + tensorLabel(first) + " must have the same shape");
    }
    const shape = new StaticArray<i32>(rank + 1);
    for (let d = 0, i = 0; d <= rank; d++) shape[d] = d == axis ? inputs.length : first.dim(i++);
    if (!checkOutputShape(node, output, shape)) return false;

    this.parts.configure(output, inputs, extentProduct(first.shape, 0, axis), elementSize(first.type));
    return true;
  }
}
