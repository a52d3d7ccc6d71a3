// AVERAGE_POOL_2D, MAX_POOL_2D and L2_POOL_2D: TFLite's pooling kernel (pooling.cc) with its
// reference ops. Each reduces the valid part of each window (padding is never counted).
// Average and max pool are int8: the output keeps the input's quantization, clamped to the
// fused activation's range. TFLite has L2 pool in float32 only (an int8 model runs it between
// DEQUANTIZE and QUANTIZE): sqrt(sum of squares / count) in float, then the activation clamp.

import { Graph } from "../graph";
import { activationMax, activationMin, activationRange, clamp } from "../quant";
import { OptionsType } from "../schema";
import { Tensor, TensorType } from "../tensor";
import { clampFloat, FloatRange } from "./float/activation";
import { checkQuantized, checkRank, checkType, operatorError, optionsOf } from "./kernel";
import { UnaryKernel } from "./unary_kernel";
import { Window } from "./window";

export namespace Pooling {
  export const AVERAGE: i32 = 0;
  export const MAX: i32 = 1;
  export const L2: i32 = 2;
}

export class Pool2D extends UnaryKernel {
  window: Window = new Window();
  outputMin: i32 = 0;
  outputMax: i32 = 0;
  floatRange: FloatRange = new FloatRange();

  constructor(readonly pooling: i32) {
    super();
  }

  prepare(graph: Graph): bool {
    const node = this.node;
    if (!this.bindUnary(graph)) return false;
    const input = this.input;
    const output = this.output;
    const type = this.pooling == Pooling.L2 ? TensorType.FLOAT32 : TensorType.INT8;
    if (!checkType(node, input, type, "input") || !checkType(node, output, type, "output") || !checkRank(node, input, 4, "input")) return false;
    if (type == TensorType.INT8) {
      if (!checkQuantized(node, input, "input") || !checkQuantized(node, output, "output")) return false;
      if (input.scale != output.scale || input.zeroPoint != output.zeroPoint) {
        return operatorError(node, "input and output must have the same scale and zero point");
      }
    }
    const window = this.window;
    if (!window.configurePooling(node, optionsOf(node, OptionsType.POOL_2D), input, output)) return false;
    if (type == TensorType.INT8) {
      activationRange(window.activation, output);
      this.outputMin = activationMin;
      this.outputMax = activationMax;
      return true;
    }
    return this.floatRange.configure(node, window.activation);
  }

  eval(): void {
    poolWindows<Pool2D>(this);
  }

  /** Reduces the window at `corner` (rows and columns [start, end)) into output element `outputIndex`. */
  // @ts-ignore: decorator
  @inline
  pool(corner: i32, filterYStart: i32, filterYEnd: i32, filterXStart: i32, filterXEnd: i32, outputIndex: i32): void {
    const outputData = this.output.data;
    if (this.pooling == Pooling.L2) {
      store<f32>(outputData + (<usize>outputIndex << 2), this.l2Pool(corner, filterYStart, filterYEnd, filterXStart, filterXEnd));
    } else {
      store<i8>(outputData + outputIndex, <i8>this.quantizedPool(corner, filterYStart, filterYEnd, filterXStart, filterXEnd));
    }
  }

  // @ts-ignore: decorator
  @inline
  private quantizedPool(corner: i32, filterYStart: i32, filterYEnd: i32, filterXStart: i32, filterXEnd: i32): i32 {
    const depth = this.input.dim(3);
    const rowStride = this.input.dim(2) * depth;
    let sum: i32 = 0;
    let maximum: i32 = -128;
    for (let filterY = filterYStart; filterY < filterYEnd; filterY++) {
      for (let filterX = filterXStart; filterX < filterXEnd; filterX++) {
        const value = <i32>load<i8>(this.input.data + <usize>(corner + filterY * rowStride + filterX * depth));
        sum += value;
        maximum = max(maximum, value);
      }
    }
    let result = maximum;
    if (this.pooling == Pooling.AVERAGE) {
      // Rounds half away from zero; an empty window (degenerate padding) averages to 0.
      const count = (filterYEnd - filterYStart) * (filterXEnd - filterXStart);
      result = 0;
      if (count > 0) result = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
    }
    return clamp(result, this.outputMin, this.outputMax);
  }

  // @ts-ignore: decorator
  @inline
  private l2Pool(corner: i32, filterYStart: i32, filterYEnd: i32, filterXStart: i32, filterXEnd: i32): f32 {
    const depth = this.input.dim(3);
    const rowStride = this.input.dim(2) * depth;
    let sumOfSquares: f32 = 0;
    let count = 0;
    for (let filterY = filterYStart; filterY < filterYEnd; filterY++) {
      for (let filterX = filterXStart; filterX < filterXEnd; filterX++) {
        const value = load<f32>(this.input.data + (<usize>(corner + filterY * rowStride + filterX * depth) << 2));
        sumOfSquares += value * value;
        count++;
      }
    }
    return clampFloat(Mathf.sqrt(sumOfSquares / <f32>count), this.floatRange.low, this.floatRange.high);
  }
}

/** A pooling kernel: an NHWC input, its window, and what it does with each window. */
export interface WindowPooling {
  input: Tensor;
  window: Window;
  pool(corner: i32, filterYStart: i32, filterYEnd: i32, filterXStart: i32, filterXEnd: i32, outputIndex: i32): void;
}

/**
 * Calls kernel.pool for every output element in order, with the element index of its window's
 * (possibly padded) top-left corner and the valid rows and columns of the window. K is the
 * kernel's class, so that pool is called (and inlined) directly.
 */
// @ts-ignore: decorator
@inline
export function poolWindows<K extends WindowPooling>(kernel: K): void {
  const input = kernel.input;
  const window = kernel.window;
  const batches = input.dim(0);
  const inputHeight = input.dim(1);
  const inputWidth = input.dim(2);
  const depth = input.dim(3);
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
          const corner = ((b * inputHeight + inYOrigin) * inputWidth + inXOrigin) * depth + channel;
          kernel.pool(corner, filterYStart, filterYEnd, filterXStart, filterXEnd, outputIndex++);
        }
      }
    }
  }
}
