// DEPTHWISE_CONV_2D, int8 with per-channel weights: TFLite's reference DepthwiseConvPerChannel.
// Input NHWC, filter [1, height, width, in_channels * depth_multiplier], int32 bias.

import { fieldI8 } from "../flatbuffer";
import { Graph } from "../graph";
import { activationMax, activationMin, activationRange, ChannelQuantization, clamp, convolutionQuantization, MAX_MULTIPLIER_SHIFT, multiplyByQuantizedMultiplier } from "../quant";
import { OptionsType } from "../schema";
import { Tensor, TensorType } from "../tensor";
import {
  checkArity, checkBias, checkConstant, checkOutputShape, checkQuantized, checkRank, checkType, inputTensor, Kernel,
  operatorError, optionalInput, optionsOf, outputTensor,
} from "./kernel";
import { Window } from "./window";

export class DepthwiseConv2D extends Kernel {
  input!: Tensor;
  filter!: Tensor;
  bias: Tensor | null = null;
  output!: Tensor;
  window: Window = new Window();
  depthMultiplier: i32 = 1;
  quantization!: ChannelQuantization;
  inputOffset: i32 = 0;
  outputOffset: i32 = 0;
  outputMin: i32 = 0;
  outputMax: i32 = 0;

  prepare(graph: Graph): bool {
    const node = this.node;
    if (!checkArity(node, 2, 3, 1)) return false;
    const input = inputTensor(graph, node, 0);
    const filter = inputTensor(graph, node, 1);
    const bias = optionalInput(graph, node, 2);
    const output = outputTensor(graph, node, 0);
    this.input = input;
    this.filter = filter;
    this.bias = bias;
    this.output = output;
    if (!checkType(node, input, TensorType.INT8, "input") || !checkType(node, filter, TensorType.INT8, "filter")
      || !checkType(node, output, TensorType.INT8, "output")) return false;
    if (!checkRank(node, input, 4, "input") || !checkRank(node, filter, 4, "filter") || !checkRank(node, output, 4, "output")) return false;
    if (!checkConstant(node, filter, "filter") || !checkQuantized(node, input, "input")
      || !checkQuantized(node, filter, "filter") || !checkQuantized(node, output, "output")) return false;

    const inputDepth = input.dim(3);
    const outputChannels = filter.dim(3);
    if (filter.dim(0) != 1 || inputDepth == 0 || outputChannels % inputDepth != 0) {
      return operatorError(node, "filter must be [1, height, width, input depth x depth multiplier]");
    }
    if (filter.quantizationCount != 1 && filter.quantizationCount != outputChannels) {
      return operatorError(node, "filter needs 1 or " + outputChannels.toString() + " scales");
    }
    if (bias != null && !checkBias(node, bias, outputChannels)) return false;
    this.depthMultiplier = outputChannels / inputDepth;

    const options = optionsOf(node, OptionsType.DEPTHWISE_CONV_2D);
    const window = this.window;
    window.readStrides(options);
    window.activation = fieldI8(options, 4, 0);
    window.readDilation(options, 5, 6);
    window.filterHeight = filter.dim(1);
    window.filterWidth = filter.dim(2);
    if (!window.resolve(node, input.dim(1), input.dim(2))) return false;
    if (!checkOutputShape(node, output, [input.dim(0), window.outputHeight, window.outputWidth, outputChannels])) return false;

    this.quantization = convolutionQuantization(input, filter, output, outputChannels);
    if (this.quantization.largestShift > MAX_MULTIPLIER_SHIFT) return operatorError(node, "input scale x filter scale / output scale must be below 2^30");
    this.inputOffset = -input.zeroPoint;
    this.outputOffset = output.zeroPoint;
    activationRange(window.activation, output);
    this.outputMin = activationMin;
    this.outputMax = activationMax;
    this.macs = <f64>output.elementCount * <f64>(filter.dim(1) * filter.dim(2));
    return true;
  }

  eval(): void {
    const input = this.input;
    const output = this.output;
    const window = this.window;
    const batches = input.dim(0);
    const inputHeight = input.dim(1);
    const inputWidth = input.dim(2);
    const inputDepth = input.dim(3);
    const filterHeight = window.filterHeight;
    const filterWidth = window.filterWidth;
    const outputHeight = output.dim(1);
    const outputWidth = output.dim(2);
    const outputChannels = output.dim(3);
    const depthMultiplier = this.depthMultiplier;
    const inputData = input.data;
    const filterData = this.filter.data;
    const bias = this.bias;
    const biasData: usize = bias != null ? bias.data : 0;
    const multipliers = this.quantization.multipliers;
    const shifts = this.quantization.shifts;
    const inputOffset = this.inputOffset;
    let outputPointer = output.data;

    for (let b = 0; b < batches; b++) {
      for (let outY = 0; outY < outputHeight; outY++) {
        const inYOrigin = outY * window.strideHeight - window.paddingHeight;
        for (let outX = 0; outX < outputWidth; outX++) {
          const inXOrigin = outX * window.strideWidth - window.paddingWidth;
          for (let outChannel = 0; outChannel < outputChannels; outChannel++) {
            const inChannel = outChannel / depthMultiplier;
            let accumulator: i32 = 0;
            for (let filterY = 0; filterY < filterHeight; filterY++) {
              const inY = inYOrigin + window.dilationHeight * filterY;
              if (inY < 0 || inY >= inputHeight) continue;
              for (let filterX = 0; filterX < filterWidth; filterX++) {
                const inX = inXOrigin + window.dilationWidth * filterX;
                if (inX < 0 || inX >= inputWidth) continue;
                const inputValue = <i32>load<i8>(inputData + <usize>(((b * inputHeight + inY) * inputWidth + inX) * inputDepth + inChannel));
                const filterValue = <i32>load<i8>(filterData + <usize>((filterY * filterWidth + filterX) * outputChannels + outChannel));
                accumulator += filterValue * (inputValue + inputOffset);
              }
            }
            if (biasData != 0) accumulator += load<i32>(biasData + (<usize>outChannel << 2));
            accumulator = multiplyByQuantizedMultiplier(accumulator, unchecked(multipliers[outChannel]), unchecked(shifts[outChannel]));
            store<i8>(outputPointer, <i8>clamp(accumulator + this.outputOffset, this.outputMin, this.outputMax));
            outputPointer++;
          }
        }
      }
    }
  }
}
