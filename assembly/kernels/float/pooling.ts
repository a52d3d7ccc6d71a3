// AVERAGE_POOL_2D and MAX_POOL_2D, float32 (one TFLite kernel): the reference float AveragePool
// (sum of the window's valid part / their count) and MaxPool (largest value, starting from the
// lowest float), then the fused activation's clamp. Padding is never counted.

import { fieldI32, fieldI8 } from "../../flatbuffer";
import { Graph } from "../../graph";
import { OptionsType } from "../../schema";
import { checkOutputShape, checkRank, optionsOf } from "../kernel";
import { Pooling } from "../pooling";
import { UnaryKernel } from "../unary_kernel";
import { Window } from "../window";
import { checkFloat32, clampFloat, FloatRange, loadF32, storeF32 } from "./activation";

export class FloatPool2D extends UnaryKernel {
  window: Window = new Window();
  range: FloatRange = new FloatRange();

  constructor(readonly pooling: i32) {
    super();
  }

  prepare(graph: Graph): bool {
    const node = this.node;
    if (!this.bindUnary(graph)) return false;
    const input = this.input;
    const output = this.output;
    if (!checkFloat32(node, [input, output], ["input", "output"]) || !checkRank(node, input, 4, "input")) return false;
    const options = optionsOf(node, OptionsType.POOL_2D);
    const window = this.window;
    window.readStrides(options);
    window.filterWidth = fieldI32(options, 3, 1);
    window.filterHeight = fieldI32(options, 4, 1);
    window.activation = fieldI8(options, 5, 0);
    if (!window.resolve(node, input.dim(1), input.dim(2))) return false;
    if (!checkOutputShape(node, output, [input.dim(0), window.outputHeight, window.outputWidth, input.dim(3)])) return false;
    return this.range.configure(node, window.activation);
  }

  eval(): void {
    const input = this.input;
    const window = this.window;
    const batches = input.dim(0);
    const inputHeight = input.dim(1);
    const inputWidth = input.dim(2);
    const depth = input.dim(3);
    const rowStride = inputWidth * depth;
    const inputData = input.data;
    const outputData = this.output.data;
    const average = this.pooling == Pooling.AVERAGE;
    let outputIndex = 0;
    for (let b = 0; b < batches; b++) {
      for (let outY = 0; outY < window.outputHeight; outY++) {
        const inYOrigin = outY * window.strideHeight - window.paddingHeight;
        const filterYStart = max(0, -inYOrigin);
        const filterYEnd = min(window.filterHeight, inputHeight - inYOrigin);
        for (let outX = 0; outX < window.outputWidth; outX++) {
          const inXOrigin = outX * window.strideWidth - window.paddingWidth;
          const filterXStart = max(0, -inXOrigin);
          const filterXEnd = min(window.filterWidth, inputWidth - inXOrigin);
          for (let channel = 0; channel < depth; channel++) {
            // Element index of the window's (possibly padded) top-left corner.
            const corner = ((b * inputHeight + inYOrigin) * inputWidth + inXOrigin) * depth + channel;
            let total: f32 = 0;
            let maximum: f32 = -f32.MAX_VALUE;
            let count = 0;
            for (let filterY = filterYStart; filterY < filterYEnd; filterY++) {
              for (let filterX = filterXStart; filterX < filterXEnd; filterX++) {
                const value = loadF32(inputData, corner + filterY * rowStride + filterX * depth);
                total += value;
                // std::max(maximum, value)
                maximum = maximum < value ? value : maximum;
                count++;
              }
            }
            const result = average ? total / <f32>count : maximum;
            storeF32(outputData, outputIndex++, clampFloat(result, this.range.low, this.range.high));
          }
        }
      }
    }
  }
}
