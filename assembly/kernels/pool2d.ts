// What AVERAGE_POOL_2D and MAX_POOL_2D share: the window over NHWC int8 data, whose
// output keeps the input's quantization, and the clamp of the fused activation.

import { fieldI32, fieldI8 } from "../flatbuffer";
import { Graph } from "../graph";
import { activationMax, activationMin, activationRange } from "../quant";
import { OptionsType } from "../schema";
import { Tensor, TensorType } from "../tensor";
import { checkArity, checkOutputShape, checkQuantized, checkRank, checkType, inputTensor, Kernel, operatorError, optionsOf, outputTensor } from "./kernel";
import { Window } from "./window";

export class Pool2D extends Kernel {
  input!: Tensor;
  output!: Tensor;
  window: Window = new Window();
  outputMin: i32 = 0;
  outputMax: i32 = 0;

  prepare(graph: Graph): bool {
    const node = this.node;
    if (!checkArity(node, 1, 1, 1)) return false;
    const input = inputTensor(graph, node, 0);
    const output = outputTensor(graph, node, 0);
    this.input = input;
    this.output = output;
    if (!checkType(node, input, TensorType.INT8, "input") || !checkType(node, output, TensorType.INT8, "output")) return false;
    if (!checkRank(node, input, 4, "input") || !checkQuantized(node, input, "input") || !checkQuantized(node, output, "output")) return false;
    if (input.scale != output.scale || input.zeroPoint != output.zeroPoint) {
      return operatorError(node, "input and output must have the same scale and zero point");
    }
    const options = optionsOf(node, OptionsType.POOL_2D);
    const window = this.window;
    window.readStrides(options);
    window.filterWidth = fieldI32(options, 3, 1);
    window.filterHeight = fieldI32(options, 4, 1);
    window.activation = fieldI8(options, 5, 0);
    if (!window.resolve(node, input.dim(1), input.dim(2))) return false;
    if (!checkOutputShape(node, output, [input.dim(0), window.outputHeight, window.outputWidth, input.dim(3)])) return false;
    activationRange(window.activation, output);
    this.outputMin = activationMin;
    this.outputMax = activationMax;
    return true;
  }
}
