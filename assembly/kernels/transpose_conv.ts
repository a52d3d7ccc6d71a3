// TRANSPOSE_CONV, int8 with per-channel weights: TFLite's reference integer TransposeConv.
// Inputs: the output shape (constant int32 [4]), the filter [out_channels, height, width,
// in_channels], the NHWC input and an optional int32 bias. Every input pixel scatters
// (input + input_offset) * filter into an int32 buffer of the output's size, at
// input position * stride - padding + filter position; the padding is that of a convolution
// from the output's size back to the input's. The sums, plus bias, are requantized per channel
// as CONV_2D does, then clamped to the fused activation's range.

import { fieldI8 } from "../flatbuffer";
import { Graph } from "../graph";
import { clamp, multiplyByQuantizedMultiplier } from "../quant";
import { OptionsType } from "../schema";
import { TensorType } from "../tensor";
import {
  checkArity, checkConstant, checkOutputShape, checkQuantized, checkRank, checkType, inputTensor, operatorError, optionalInput,
  optionsOf, outputTensor, tensorLabel,
} from "./kernel";
import { WeightedKernel } from "./weighted_kernel";
import { Window } from "./window";

export class TransposeConv extends WeightedKernel {
  window: Window = new Window();

  prepare(graph: Graph): bool {
    const node = this.node;
    if (!checkArity(node, 3, 4, 1)) return false;
    const outputShape = inputTensor(graph, node, 0);
    const filter = inputTensor(graph, node, 1);
    const input = inputTensor(graph, node, 2);
    const output = outputTensor(graph, node, 0);
    this.filter = filter;
    this.input = input;
    this.bias = optionalInput(graph, node, 3);
    this.output = output;
    if (!checkType(node, input, TensorType.INT8, "input") || !checkType(node, filter, TensorType.INT8, "filter")
      || !checkType(node, output, TensorType.INT8, "output")) return false;
    if (!checkRank(node, input, 4, "input") || !checkRank(node, filter, 4, "filter") || !checkConstant(node, filter, "filter")) return false;
    if (!checkQuantized(node, input, "input") || !checkQuantized(node, filter, "filter") || !checkQuantized(node, output, "output")) return false;
    if (!checkType(node, outputShape, TensorType.INT32, "output shape") || !checkConstant(node, outputShape, "output shape")) return false;
    if (outputShape.rank != 1 || outputShape.elementCount != 4) return operatorError(node, "output shape " + tensorLabel(outputShape) + " must hold 4 values");
    const expected = new StaticArray<i32>(4);
    for (let d = 0; d < 4; d++) expected[d] = load<i32>(outputShape.data + (<usize>d << 2));
    if (!checkOutputShape(node, output, expected)) return false;
    const outputChannels = filter.dim(0);
    if (input.dim(3) != filter.dim(3) || output.dim(3) != outputChannels || output.dim(0) != input.dim(0)) {
      return operatorError(node, "filter " + tensorLabel(filter) + " does not map input " + tensorLabel(input) + " to output " + tensorLabel(output));
    }

    const options = optionsOf(node, OptionsType.TRANSPOSE_CONV);
    const window = this.window;
    window.readStrides(options);
    window.activation = fieldI8(options, 3, 0);
    window.filterHeight = filter.dim(1);
    window.filterWidth = filter.dim(2);
    if (!window.resolve(node, output.dim(1), output.dim(2))) return false;
    if (!this.prepareQuantization(outputChannels, window.activation)) return false;
    this.quantization.keep();
    if (output.elementCount > 0x1FFFFFFF) return operatorError(node, "output " + tensorLabel(output) + " is too large for int32 sums");
    node.scratchBytes = output.elementCount << 2;
    this.macs = <f64>input.elementCount * <f64>(filter.dim(1) * filter.dim(2) * outputChannels);
    return true;
  }

  eval(): void {
    const input = this.input;
    const window = this.window;
    const sums = this.node.scratch;
    memory.fill(sums, 0, <usize>this.output.elementCount << 2);
    let inputPointer = input.data;
    for (let b = 0; b < input.dim(0); b++) {
      for (let inY = 0; inY < input.dim(1); inY++) {
        for (let inX = 0; inX < input.dim(2); inX++) {
          for (let inChannel = 0; inChannel < input.dim(3); inChannel++) {
            const value = <i32>load<i8>(inputPointer) + this.inputOffset;
            inputPointer++;
            this.scatter(sums, value, b, inY * window.strideHeight - window.paddingHeight, inX * window.strideWidth - window.paddingWidth, inChannel);
          }
        }
      }
    }
    this.requantize(sums);
  }

  /** Adds value * filter to the sums of every output the input pixel at (outYOrigin, outXOrigin) reaches. */
  // @ts-ignore: decorator
  @inline
  private scatter(sums: usize, value: i32, batch: i32, outYOrigin: i32, outXOrigin: i32, inChannel: i32): void {
    const output = this.output;
    const filterHeight = this.window.filterHeight;
    const filterWidth = this.window.filterWidth;
    const inputDepth = this.input.dim(3);
    const outputChannels = output.dim(3);
    // Filter elements of one output channel are filterHeight * filterWidth * inputDepth apart.
    const channelStride = <usize>(filterHeight * filterWidth * inputDepth);
    for (let filterY = 0; filterY < filterHeight; filterY++) {
      const outY = outYOrigin + filterY;
      if (outY < 0 || outY >= output.dim(1)) continue;
      for (let filterX = 0; filterX < filterWidth; filterX++) {
        const outX = outXOrigin + filterX;
        if (outX < 0 || outX >= output.dim(2)) continue;
        const sumPixel = sums + (<usize>(((batch * output.dim(1) + outY) * output.dim(2) + outX) * outputChannels) << 2);
        const filterTap = this.filter.data + <usize>((filterY * filterWidth + filterX) * inputDepth + inChannel);
        for (let outChannel = 0; outChannel < outputChannels; outChannel++) {
          const sum = sumPixel + (<usize>outChannel << 2);
          store<i32>(sum, load<i32>(sum) + value * <i32>load<i8>(filterTap + <usize>outChannel * channelStride));
        }
      }
    }
  }

  private requantize(sums: usize): void {
    const outputData = this.output.data;
    const outputChannels = this.output.dim(3);
    const biasData = this.biasData();
    const quantization = this.quantization;
    for (let i = 0; i < this.output.elementCount; i++) {
      const channel = i % outputChannels;
      let accumulator = load<i32>(sums + (<usize>i << 2));
      if (biasData != 0) accumulator += load<i32>(biasData + (<usize>channel << 2));
      accumulator = multiplyByQuantizedMultiplier(accumulator, quantization.multiplier(channel), quantization.shift(channel));
      store<i8>(outputData + i, <i8>clamp(accumulator + this.outputOffset, this.outputMin, this.outputMax));
    }
  }
}
