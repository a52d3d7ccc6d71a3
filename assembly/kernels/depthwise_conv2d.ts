// DEPTHWISE_CONV_2D with per-channel weights: TFLite's reference DepthwiseConvPerChannel, int8 or
// 16x8. Input NHWC, filter [1, height, width, in_channels * depth_multiplier], bias per output channel.

import { Graph } from "../graph";
import { unsupported } from "./kernel";
import { DepthwiseInt8 } from "../microkernels/dwconv_int8";
import { GemmInt8 } from "../microkernels/gemm_int8";
import { convolveIm2col, im2colScratchBytes } from "./im2col";
import { ChannelQuantization } from "./channel_quantization";
import { convolveReference, FilterLayout } from "./reference_convolution";
import { outputRows, WeightedKernel } from "./weighted_kernel";
import { Window } from "./window";

export class DepthwiseConv2D extends WeightedKernel {
  window: Window = new Window();
  depthMultiplier: i32 = 1;
  /** The int8 path with depth multiplier 1: channels in the inner loop. */
  channelwise: DepthwiseInt8 | null = null;
  /**
   * The int8 path for a single input channel (any multiplier): a convolution with one input
   * channel, run as a matrix product over im2col rows with the filter transposed at prepare
   * to one row of taps per output channel (height x width x channels bytes).
   */
  gemm: GemmInt8 | null = null;
  /** The reference loop's filter layout (neither of the above). */
  layout: FilterLayout | null = null;

  prepare(graph: Graph): bool {
    const node = this.node;
    if (!this.bindWeighted(graph, 4)) return false;
    // Unlike CONV_2D and FULLY_CONNECTED, TFLite's 16x8 depthwise kernel takes only an int64 bias.
    if (this.wide && !this.wideAccumulator) return unsupported(node, "16x8 mode needs an int64 bias");
    const input = this.input;
    const filter = this.filter;
    const window = this.window;
    if (!window.configureDepthwiseConv2D(node, input, filter, this.output)) return false;
    const inputDepth = input.dim(3);
    const outputChannels = filter.dim(3);
    this.depthMultiplier = outputChannels / inputDepth;
    if (!this.prepareQuantization(outputChannels, window.activation, this.convolutionMaxShift())) return false;
    if (!this.wide && this.depthMultiplier == 1) {
      this.channelwise = this.prepareChannelwise();
    } else if (!this.wide && inputDepth == 1) {
      this.prepareSingleChannelGemm();
    } else {
      this.quantization.keep();
      this.layout = FilterLayout.depthwise(outputChannels, this.depthMultiplier);
    }
    this.macs = <f64>this.output.elementCount * <f64>(filter.dim(1) * filter.dim(2));
    return true;
  }

  private prepareChannelwise(): DepthwiseInt8 {
    const kernel = new DepthwiseInt8();
    const channels = this.filter.dim(3);
    kernel.filter = this.filter.data;
    // The microkernel always adds a bias: a model without one gets zeros.
    kernel.bias = this.bias != null ? this.biasData() : changetype<usize>(new StaticArray<i32>(channels));
    kernel.channels = channels;
    kernel.filterHeight = this.window.filterHeight;
    kernel.filterWidth = this.window.filterWidth;
    this.node.scratchBytes = this.quantization.placeForMicrokernels();
    useDepthwiseQuantization(kernel, this.quantization);
    kernel.inputOffset = this.inputOffset;
    kernel.outputOffset = this.outputOffset;
    kernel.outputMin = this.outputMin;
    kernel.outputMax = this.outputMax;
    kernel.prepare();
    return kernel;
  }

  private prepareSingleChannelGemm(): void {
    const taps = this.window.filterHeight * this.window.filterWidth;
    const channels = this.filter.dim(3);
    const rows = new StaticArray<i8>(taps * channels);
    for (let tap = 0; tap < taps; tap++) {
      for (let c = 0; c < channels; c++) rows[c * taps + tap] = load<i8>(this.filter.data + <usize>(tap * channels + c));
    }
    this.gemm = this.int8Gemm(changetype<usize>(rows), taps, false, outputRows(this.output), true);
    this.node.scratchBytes += im2colScratchBytes(this.window, taps);
  }

  eval(): void {
    const channelwise = this.channelwise;
    const gemm = this.gemm;
    if (channelwise != null) {
      this.quantization.refresh(this.node.scratch);
      useDepthwiseQuantization(channelwise, this.quantization);
      this.convolveChannelwise(channelwise);
    } else if (gemm != null) {
      convolveIm2col(gemm, this.input, this.output, this.window, this.inputOffset, this.refreshGemm(gemm));
    } else if (this.wide) {
      this.convolve<i16, i64>();
    } else {
      this.convolve<i8, i32>();
    }
  }

  /** Each output pixel over its valid taps only, as the reference skips taps in the padding. */
  private convolveChannelwise(kernel: DepthwiseInt8): void {
    const input = this.input;
    const output = this.output;
    const window = this.window;
    const inputHeight = input.dim(1);
    const inputWidth = input.dim(2);
    const channels = input.dim(3);
    const dilationHeight = window.dilationHeight;
    const dilationWidth = window.dilationWidth;
    // Runs of pixels whose window is inside the image horizontally go at once: 3x3 in the SIMD
    // build, any size in pairs in the scalar build.
    const runs = ASC_FEATURE_SIMD ? kernel.fitsInterior3x3() : kernel.fitsInteriorPairs();
    let outputPointer = output.data;
    for (let b = 0; b < input.dim(0); b++) {
      const image = input.data + <usize>(b * inputHeight * inputWidth * channels);
      for (let outY = 0; outY < window.outputHeight; outY++) {
        const inY0 = outY * window.strideHeight - window.paddingHeight;
        const filterYStart = firstValidTap(inY0, dilationHeight);
        const filterYEnd = endOfValidTaps(inY0, dilationHeight, inputHeight, window.filterHeight);
        for (let outX = 0; outX < window.outputWidth; outX++) {
          const inX0 = outX * window.strideWidth - window.paddingWidth;
          const filterXStart = firstValidTap(inX0, dilationWidth);
          const filterXEnd = endOfValidTaps(inX0, dilationWidth, inputWidth, window.filterWidth);
          if (runs && filterXStart == 0 && filterXEnd == window.filterWidth) {
            let count = 1;
            while (outX + count < window.outputWidth && endOfValidTaps(inX0 + count * window.strideWidth, dilationWidth, inputWidth, window.filterWidth) == window.filterWidth) count++;
            const done = ASC_FEATURE_SIMD
              ? kernel.interior3x3(image, inputWidth, inY0, inX0, filterYStart, filterYEnd, dilationHeight, dilationWidth, window.strideWidth, count, outputPointer)
              : kernel.interiorPairs(image, inputWidth, inY0, inX0, filterYStart, filterYEnd, dilationHeight, dilationWidth, window.strideWidth, count, outputPointer);
            if (done > 0) {
              outputPointer += <usize>(done * channels);
              outX += done - 1;
              continue;
            }
          }
          kernel.pixel(image, inputWidth, inY0, inX0, dilationHeight, dilationWidth, filterYStart, filterYEnd, filterXStart, filterXEnd, outputPointer);
          outputPointer += <usize>channels;
        }
      }
    }
  }

  /** The reference loop: depth multipliers above 1 and 16x8. */
  private convolve<TActivation, TAccumulator>(): void {
    convolveReference<TActivation, TAccumulator, DepthwiseConv2D>(this, this.window, this.input, this.output, this.filter, changetype<FilterLayout>(this.layout), this.inputOffset);
  }
}

function useDepthwiseQuantization(kernel: DepthwiseInt8, quantization: ChannelQuantization): void {
  kernel.multipliers = quantization.multipliers;
  kernel.shifts = quantization.shifts;
}

/** The first tap k with origin + k * dilation >= 0. */
function firstValidTap(origin: i32, dilation: i32): i32 {
  return origin >= 0 ? 0 : (-origin + dilation - 1) / dilation;
}

/** One past the last tap k < filterSize with origin + k * dilation < size. */
function endOfValidTaps(origin: i32, dilation: i32, size: i32, filterSize: i32): i32 {
  return size <= origin ? 0 : min(filterSize, (size - origin + dilation - 1) / dilation);
}
