// DEPTHWISE_CONV_2D, float32: TFLite's reference float DepthwiseConv. Filter [1, height, width,
// input depth x depth multiplier]; output channel c reads input channel c / depth multiplier.
// Each output sums over the window (the reference loop, reference_convolution.ts), adds the bias
// and clamps.

import { Graph } from "../../graph";
import { OptionsType } from "../../schema";
import { checkRank, operatorError, optionsOf } from "../kernel";
import { Window } from "../window";
import { convolveReference, FilterLayout } from "../reference_convolution";
import { FloatWeightedKernel } from "./weighted";

export class FloatDepthwiseConv2D extends FloatWeightedKernel {
  window: Window = new Window();
  depthMultiplier: i32 = 1;
  layout: FilterLayout | null = null;

  prepare(graph: Graph): bool {
    const node = this.node;
    if (!this.bindWeighted(graph, 4)) return false;
    const input = this.input;
    const filter = this.filter;
    if (!checkRank(node, input, 4, "input") || !checkRank(node, this.output, 4, "output")) return false;
    const inputDepth = input.dim(3);
    const outputChannels = filter.dim(3);
    if (filter.dim(0) != 1 || inputDepth == 0 || outputChannels % inputDepth != 0) {
      return operatorError(node, "filter must be [1, height, width, input depth x depth multiplier]");
    }
    this.depthMultiplier = outputChannels / inputDepth;
    const window = this.window;
    if (!window.configureConvolution(node, optionsOf(node, OptionsType.DEPTHWISE_CONV_2D), 4, filter.dim(1), filter.dim(2), input, this.output, outputChannels)) return false;
    if (!this.prepareOutput(outputChannels, window.activation)) return false;
    this.layout = FilterLayout.depthwise(outputChannels, this.depthMultiplier);
    this.macs = <f64>this.output.elementCount * <f64>(filter.dim(1) * filter.dim(2));
    return true;
  }

  eval(): void {
    convolveReference<f32, f32, FloatDepthwiseConv2D>(this, this.window, this.input, this.output, this.filter, changetype<FilterLayout>(this.layout), 0);
  }
}
