// CONV_2D with per-channel weights: TFLite's reference ConvPerChannel, int8 or 16x8.
// Input NHWC, filter [out_channels, height, width, in_channels / groups], bias per output channel.

import { Graph } from "../graph";
import { GemmInt8 } from "../microkernels/gemm_int8";
import { convolveIm2col, im2colScratchBytes } from "./im2col";
import { convolveReference, FilterLayout } from "./reference_convolution";
import { outputRows, WeightedKernel } from "./weighted_kernel";
import { Window } from "./window";

export class Conv2D extends WeightedKernel {
  window: Window = new Window();
  /** The int8 path without groups: a matrix product over im2col rows (or over pixels for 1x1). */
  gemm: GemmInt8 | null = null;
  /** 1x1, stride 1, no padding: each input pixel is already a row of the product. */
  pointwise: bool = false;
  /** The reference loop's filter layout (no matrix product). */
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
    if (!this.prepareQuantization(outputChannels, window.activation, this.convolutionMaxShift())) return false;
    if (!this.wide && filterDepth == inputDepth) {
      const patchSize = filter.dim(1) * filter.dim(2) * filterDepth;
      this.pointwise = patchSize == inputDepth && window.strideHeight == 1 && window.strideWidth == 1
        && window.paddingHeight == 0 && window.paddingWidth == 0 && window.outputHeight == input.dim(1) && window.outputWidth == input.dim(2);
      this.gemm = this.int8Gemm(filter.data, patchSize, false, outputRows(this.output), !this.pointwise);
      if (!this.pointwise) node.scratchBytes += im2colScratchBytes(window, patchSize);
    } else {
      this.quantization.keep();
      this.layout = FilterLayout.convolution(outputChannels, filter.dim(1) * filter.dim(2), filterDepth, inputDepth);
    }
    this.macs = <f64>this.output.elementCount * <f64>(filter.dim(1) * filter.dim(2) * filterDepth);
    return true;
  }

  eval(): void {
    const gemm = this.gemm;
    if (gemm != null) this.convolveRows(gemm);
    else if (this.wideAccumulator) this.convolve<i16, i64>();
    else if (this.wide) this.convolve<i16, i32>();
    else this.convolve<i8, i32>();
  }

  /** int8 through the GEMM microkernel (see im2col.ts). */
  private convolveRows(gemm: GemmInt8): void {
    const im2colScratch = this.refreshGemm(gemm);
    if (this.pointwise) gemm.run(this.input.data, this.input.dim(3), this.input.elementCount / this.input.dim(3), this.output.data);
    else convolveIm2col(gemm, this.input, this.output, this.window, this.inputOffset, im2colScratch);
  }

  /** The reference loop: grouped int8 convolutions and 16x8. */
  private convolve<TActivation, TAccumulator>(): void {
    convolveReference<TActivation, TAccumulator, Conv2D>(this, this.window, this.input, this.output, this.filter, changetype<FilterLayout>(this.layout), this.inputOffset);
  }
}
