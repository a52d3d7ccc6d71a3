// What the float32 CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED share: a float32 input, constant
// float32 weights, an optional float32 bias (one value per output channel, added after the sum
// of products as the reference does) and the fused activation as a float clamp.

import { Graph } from "../../graph";
import { Tensor } from "../../tensor";
import { checkArity, checkConstant, checkRank, inputTensor, Kernel, operatorError, optionalInput, outputTensor, tensorLabel } from "../kernel";
import { checkFloat32, clampFloat, FloatRange, loadF32 } from "./activation";

export class FloatWeightedKernel extends Kernel {
  input!: Tensor;
  filter!: Tensor;
  bias: Tensor | null = null;
  output!: Tensor;
  range: FloatRange = new FloatRange();

  /** Binds and checks input, filter (constant, of the given rank), optional bias and output. */
  bindWeighted(graph: Graph, filterRank: i32): bool {
    const node = this.node;
    if (!checkArity(node, 2, 3, 1)) return false;
    const input = inputTensor(graph, node, 0);
    const filter = inputTensor(graph, node, 1);
    const output = outputTensor(graph, node, 0);
    this.input = input;
    this.filter = filter;
    this.output = output;
    if (!checkFloat32(node, [input, filter, output], ["input", "filter", "output"])) return false;
    if (!checkRank(node, filter, filterRank, "filter") || !checkConstant(node, filter, "filter")) return false;
    const bias = optionalInput(graph, node, 2);
    this.bias = bias;
    if (bias != null && (!checkFloat32(node, [bias], ["bias"]) || !checkConstant(node, bias, "bias"))) return false;
    return true;
  }

  /** Checks the bias against the channel count and sets the fused activation's range. */
  prepareOutput(channels: i32, activation: i32): bool {
    const bias = this.bias;
    if (bias != null && bias.elementCount != channels) {
      return operatorError(this.node, "bias " + tensorLabel(bias) + " needs " + channels.toString() + " values");
    }
    return this.range.configure(this.node, activation);
  }

  /** The reference convolution loop's end of an output value: bias, then the fused activation. */
  // @ts-ignore: decorator
  @inline
  finishConvolution<TActivation, TAccumulator>(total: TAccumulator, channel: i32, output: usize): void {
    store<f32>(output, clampFloat(<f32>total + this.biasOf(channel), this.range.low, this.range.high));
  }

  /** The bias of an output channel (0 without a bias). */
  // @ts-ignore: decorator
  @inline
  biasOf(channel: i32): f32 {
    const bias = this.bias;
    return bias != null ? loadF32(bias.data, channel) : 0;
  }
}
