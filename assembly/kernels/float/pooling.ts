// AVERAGE_POOL_2D and MAX_POOL_2D, float32 (one TFLite kernel): the reference float AveragePool
// (sum of the window's valid part / their count) and MaxPool (largest value, starting from the
// lowest float), then the fused activation's clamp. Padding is never counted.

import { Graph } from "../../graph";
import { OptionsType } from "../../schema";
import { checkRank, optionsOf } from "../kernel";
import { poolWindows, Pooling } from "../pooling";
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
    const window = this.window;
    if (!window.configurePooling(node, optionsOf(node, OptionsType.POOL_2D), input, output)) return false;
    return this.range.configure(node, window.activation);
  }

  eval(): void {
    poolWindows<FloatPool2D>(this);
  }

  // @ts-ignore: decorator
  @inline
  pool(corner: i32, filterYStart: i32, filterYEnd: i32, filterXStart: i32, filterXEnd: i32, outputIndex: i32): void {
    const inputData = this.input.data;
    const rowStride = this.input.dim(2) * this.input.dim(3);
    const depth = this.input.dim(3);
    let total: f32 = 0;
    let maximum: f32 = -f32.MAX_VALUE;
    for (let filterY = filterYStart; filterY < filterYEnd; filterY++) {
      for (let filterX = filterXStart; filterX < filterXEnd; filterX++) {
        const value = loadF32(inputData, corner + filterY * rowStride + filterX * depth);
        total += value;
        // std::max(maximum, value)
        maximum = maximum < value ? value : maximum;
      }
    }
    const count = (filterYEnd - filterYStart) * (filterXEnd - filterXStart);
    const result = this.pooling == Pooling.AVERAGE ? total / <f32>count : maximum;
    storeF32(this.output.data, outputIndex, clampFloat(result, this.range.low, this.range.high));
  }
}
