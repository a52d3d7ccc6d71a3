// What CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED share: int8 input, constant int8
// weights with per-tensor or per-output-channel scales, an optional int32 bias, and the
// per-channel requantization of the int32 accumulators to the int8 output.

import { Graph } from "../graph";
import {
  activationMax, activationMin, activationRange, ChannelQuantization, convolutionQuantization, MAX_MULTIPLIER_SHIFT,
} from "../quant";
import { Tensor, TensorType } from "../tensor";
import {
  checkArity, checkBias, checkConstant, checkQuantized, checkRank, checkType, inputTensor, Kernel, operatorError,
  optionalInput, outputTensor,
} from "./kernel";

export class WeightedKernel extends Kernel {
  input!: Tensor;
  filter!: Tensor;
  bias: Tensor | null = null;
  output!: Tensor;
  quantization!: ChannelQuantization;
  inputOffset: i32 = 0;
  outputOffset: i32 = 0;
  outputMin: i32 = 0;
  outputMax: i32 = 0;

  /** Binds and checks input, filter (of the given rank), optional bias and output. */
  bindWeighted(graph: Graph, filterRank: i32): bool {
    const node = this.node;
    if (!checkArity(node, 2, 3, 1)) return false;
    const input = inputTensor(graph, node, 0);
    const filter = inputTensor(graph, node, 1);
    const output = outputTensor(graph, node, 0);
    this.input = input;
    this.filter = filter;
    this.bias = optionalInput(graph, node, 2);
    this.output = output;
    if (!checkType(node, input, TensorType.INT8, "input") || !checkType(node, filter, TensorType.INT8, "filter")
      || !checkType(node, output, TensorType.INT8, "output")) return false;
    if (!checkRank(node, filter, filterRank, "filter") || !checkConstant(node, filter, "filter")) return false;
    return checkQuantized(node, input, "input") && checkQuantized(node, filter, "filter") && checkQuantized(node, output, "output");
  }

  /** Checks the bias and filter scales against the channel count and computes the requantization. */
  prepareQuantization(channels: i32, activation: i32): bool {
    const node = this.node;
    const filter = this.filter;
    const bias = this.bias;
    if (filter.quantizationCount != 1 && filter.quantizationCount != channels) {
      return operatorError(node, "filter needs 1 or " + channels.toString() + " scales");
    }
    if (bias != null && !checkBias(node, bias, channels)) return false;
    this.quantization = convolutionQuantization(this.input, filter, this.output, channels);
    if (this.quantization.largestShift > MAX_MULTIPLIER_SHIFT) {
      return operatorError(node, "input scale x filter scale / output scale must be below 2^30");
    }
    this.inputOffset = -this.input.zeroPoint;
    this.outputOffset = this.output.zeroPoint;
    activationRange(activation, this.output);
    this.outputMin = activationMin;
    this.outputMax = activationMax;
    return true;
  }

  /** Address of the bias values, or 0 when the operator has no bias. */
  biasData(): usize {
    const bias = this.bias;
    return bias != null ? bias.data : 0;
  }
}
