// UNPACK: a tensor cut along one axis into as many tensors as the axis has elements, that axis
// removed, any element type. The outputs must have the input's scale and zero point, as TFLite
// requires.

import { fieldI32 } from "../flatbuffer";
import { Graph } from "../graph";
import { OptionsType } from "../schema";
import { hasError } from "../status";
import { elementSize } from "../tensor";
import { SplitKernel } from "./axis_parts";
import { checkArity, checkOutputShape, inputTensor, operatorError, optionsOf, tensorLabel } from "./kernel";
import { checkSameQuantization, checkSameType, extentProduct, outputTensors, resolveAxis, resolvedAxis } from "./parameters";

export class Unpack extends SplitKernel {
  prepare(graph: Graph): bool {
    const node = this.node;
    if (!checkArity(node, 1, 1, node.outputs.length)) return false;
    const input = inputTensor(graph, node, 0);
    const outputs = outputTensors(graph, node);
    const options = optionsOf(node, OptionsType.UNPACK);
    const num = fieldI32(options, 0, 0);
    const axisOption = fieldI32(options, 1, 0);
    if (hasError()) return false;
    if (!resolveAxis(node, axisOption, input.rank, "axis")) return false;
    const axis = resolvedAxis;
    if (num != outputs.length || num != input.dim(axis)) {
      return operatorError(node, "num " + num.toString() + " must equal its " + outputs.length.toString() + " outputs and axis " + axis.toString() + " of " + tensorLabel(input));
    }
    const shape = new StaticArray<i32>(input.rank - 1);
    for (let d = 0, o = 0; d < input.rank; d++) if (d != axis) shape[o++] = input.dim(d);
    for (let i = 0; i < outputs.length; i++) {
      const output = outputs[i];
      if (!checkSameType(node, input, output) || !checkSameQuantization(node, input, output) || !checkOutputShape(node, output, shape)) return false;
    }

    this.parts.configure(input, outputs, extentProduct(input.shape, 0, axis), elementSize(input.type));
    return true;
  }
}
