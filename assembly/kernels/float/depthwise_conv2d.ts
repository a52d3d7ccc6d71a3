// DEPTHWISE_CONV_2D, float32: TFLite's reference float DepthwiseConv. Filter [1, height, width,
// input depth x depth multiplier]; output channel c reads input channel c / depth multiplier.
// Each output sums over the window (the reference loop, reference_convolution.ts), adds the bias
// and clamps.

import { Graph } from "../../graph";
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
    const window = this.window;
    if (!window.configureDepthwiseConv2D(node, input, filter, this.output)) return false;
    const inputDepth = input.dim(3);
    const outputChannels = filter.dim(3);
    this.depthMultiplier = outputChannels / inputDepth;
    if (!this.prepareOutput(outputChannels, window.activation)) return false;
    this.layout = FilterLayout.depthwise(outputChannels, this.depthMultiplier);
    this.macs = <f64>this.output.elementCount * <f64>(filter.dim(1) * filter.dim(2));
    return true;
  }

  eval(): void {
    convolveReference<f32, f32, FloatDepthwiseConv2D>(this, this.window, this.input, this.output, this.filter, changetype<FilterLayout>(this.layout), 0);
  }
}
