// CONV_2D, float32: TFLite's reference float Conv. Input NHWC, filter [out_channels, height,
// width, in_channels / groups]; each output sums input x filter over the window (the reference
// loop, reference_convolution.ts), adds the bias and clamps to the fused activation.

import { Graph } from "../../graph";
import { Window } from "../window";
import { convolveReference, FilterLayout } from "../reference_convolution";
import { FloatWeightedKernel } from "./weighted";

export class FloatConv2D extends FloatWeightedKernel {
  window: Window = new Window();
  layout: FilterLayout | null = null;

  prepare(graph: Graph): bool {
    const node = this.node;
    if (!this.bindWeighted(graph, 4)) return false;
    const input = this.input;
    const filter = this.filter;
    const window = this.window;
    if (!window.configureConv2D(node, input, filter, this.output)) return false;
    const outputChannels = filter.dim(0);
    const filterDepth = filter.dim(3);
    const inputDepth = input.dim(3);
    if (!this.prepareOutput(outputChannels, window.activation)) return false;
    this.layout = FilterLayout.convolution(outputChannels, filter.dim(1) * filter.dim(2), filterDepth, inputDepth);
    this.macs = <f64>this.output.elementCount * <f64>(filter.dim(1) * filter.dim(2) * filterDepth);
    return true;
  }

  eval(): void {
    convolveReference<f32, f32, FloatConv2D>(this, this.window, this.input, this.output, this.filter, changetype<FilterLayout>(this.layout), 0);
  }
}
