// AVERAGE_POOL_2D and MAX_POOL_2D, int8: TFLite's reference integer pooling. Both reduce the
// valid part of each window (padding is never counted); the output keeps the input's
// quantization, clamped to the fused activation's range.

import { fieldI32, fieldI8 } from "../flatbuffer";
import { Graph } from "../graph";
import { activationMax, activationMin, activationRange, clamp } from "../quant";
import { OptionsType } from "../schema";
import { TensorType } from "../tensor";
import { checkOutputShape, checkQuantized, checkRank, checkType, operatorError, optionsOf } from "./kernel";
import { UnaryKernel } from "./unary_kernel";
import { Window } from "./window";

export class Pool2D extends UnaryKernel {
  window: Window = new Window();
  outputMin: i32 = 0;
  outputMax: i32 = 0;

  constructor(readonly averaging: bool) {
    super();
  }

  prepare(graph: Graph): bool {
    const node = this.node;
    if (!this.bindUnary(graph)) return false;
    const input = this.input;
    const output = this.output;
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

  eval(): void {
    const input = this.input;
    const window = this.window;
    const batches = input.dim(0);
    const inputHeight = input.dim(1);
    const inputWidth = input.dim(2);
    const depth = input.dim(3);
    const inputData = input.data;
    const averaging = this.averaging;
    let outputPointer = this.output.data;
    for (let b = 0; b < batches; b++) {
      for (let outY = 0; outY < window.outputHeight; outY++) {
        const inYOrigin = outY * window.strideHeight - window.paddingHeight;
        const filterYStart = max(0, -inYOrigin);
        const filterYEnd = min(window.filterHeight, inputHeight - inYOrigin);
        for (let outX = 0; outX < window.outputWidth; outX++) {
          const inXOrigin = outX * window.strideWidth - window.paddingWidth;
          const filterXStart = max(0, -inXOrigin);
          const filterXEnd = min(window.filterWidth, inputWidth - inXOrigin);
          const count = (filterYEnd - filterYStart) * (filterXEnd - filterXStart);
          for (let channel = 0; channel < depth; channel++) {
            let sum: i32 = 0;
            let maximum: i32 = -128;
            for (let filterY = filterYStart; filterY < filterYEnd; filterY++) {
              const rowStart = inputData + <usize>(((b * inputHeight + inYOrigin + filterY) * inputWidth + inXOrigin) * depth + channel);
              for (let filterX = filterXStart; filterX < filterXEnd; filterX++) {
                const value = <i32>load<i8>(rowStart + <usize>(filterX * depth));
                sum += value;
                maximum = max(maximum, value);
              }
            }
            let result = maximum;
            if (averaging) {
              // Rounds half away from zero; an empty window (degenerate padding) averages to 0.
              result = 0;
              if (count > 0) result = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
            }
            store<i8>(outputPointer, <i8>clamp(result, this.outputMin, this.outputMax));
            outputPointer++;
          }
        }
      }
    }
  }
}
