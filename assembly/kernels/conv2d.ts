// CONV_2D with per-channel weights: TFLite's reference ConvPerChannel, int8 or 16x8.
// Input NHWC, filter [out_channels, height, width, in_channels / groups], bias per output channel.

import { Graph } from "../graph";
import { clamp } from "../quant";
import { OptionsType } from "../schema";
import { checkRank, operatorError, optionsOf } from "./kernel";
import { GemmInt8 } from "../microkernels/gemm_int8";
import { convolveIm2col, im2colScratchBytes } from "./im2col";
import { WeightedKernel } from "./weighted_kernel";
import { Window } from "./window";

export class Conv2D extends WeightedKernel {
  window: Window = new Window();
  /** The int8 path without groups: a matrix product over im2col rows (or over pixels for 1x1). */
  gemm: GemmInt8 | null = null;
  /** 1x1, stride 1, no padding: each input pixel is already a row of the product. */
  pointwise: bool = false;

  prepare(graph: Graph): bool {
    const node = this.node;
    if (!this.bindWeighted(graph, 4)) return false;
    const input = this.input;
    const filter = this.filter;
    if (!checkRank(node, input, 4, "input") || !checkRank(node, this.output, 4, "output")) return false;
    const outputChannels = filter.dim(0);
    const filterDepth = filter.dim(3);
    const inputDepth = input.dim(3);
    if (filterDepth == 0 || inputDepth % filterDepth != 0 || outputChannels % (inputDepth / filterDepth) != 0) {
      return operatorError(node, "filter depth " + filterDepth.toString() + " does not divide input depth " + inputDepth.toString() + " into groups");
    }
    const window = this.window;
    if (!window.configureConvolution(node, optionsOf(node, OptionsType.CONV_2D), 3, filter.dim(1), filter.dim(2), input, this.output, outputChannels)) return false;
    if (!this.prepareQuantization(outputChannels, window.activation, this.convolutionMaxShift())) return false;
    if (!this.wide && filterDepth == inputDepth) {
      const patchSize = filter.dim(1) * filter.dim(2) * filterDepth;
      this.gemm = this.int8Gemm(filter.data, patchSize, false);
      this.pointwise = patchSize == inputDepth && window.strideHeight == 1 && window.strideWidth == 1
        && window.paddingHeight == 0 && window.paddingWidth == 0 && window.outputHeight == input.dim(1) && window.outputWidth == input.dim(2);
      if (!this.pointwise) node.scratchBytes += im2colScratchBytes(window, patchSize);
    } else {
      this.quantization.keep();
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
    const input = this.input;
    const output = this.output;
    const window = this.window;
    const batches = input.dim(0);
    const inputHeight = input.dim(1);
    const inputWidth = input.dim(2);
    const inputDepth = input.dim(3);
    const filterHeight = window.filterHeight;
    const filterWidth = window.filterWidth;
    const filterDepth = this.filter.dim(3);
    const outputHeight = output.dim(1);
    const outputWidth = output.dim(2);
    const outputChannels = output.dim(3);
    const channelsPerGroup = outputChannels / (inputDepth / filterDepth);
    const inputData = input.data;
    const filterData = this.filter.data;
    const biasData = this.biasData();
    const quantization = this.quantization;
    const inputOffset = this.inputOffset;
    let outputPointer = output.data;

    for (let b = 0; b < batches; b++) {
      for (let outY = 0; outY < outputHeight; outY++) {
        const inYOrigin = outY * window.strideHeight - window.paddingHeight;
        for (let outX = 0; outX < outputWidth; outX++) {
          const inXOrigin = outX * window.strideWidth - window.paddingWidth;
          for (let outChannel = 0; outChannel < outputChannels; outChannel++) {
            const groupStart = (outChannel / channelsPerGroup) * filterDepth;
            let accumulator: TAccumulator = 0;
            for (let filterY = 0; filterY < filterHeight; filterY++) {
              const inY = inYOrigin + window.dilationHeight * filterY;
              if (inY < 0 || inY >= inputHeight) continue;
              for (let filterX = 0; filterX < filterWidth; filterX++) {
                const inX = inXOrigin + window.dilationWidth * filterX;
                if (inX < 0 || inX >= inputWidth) continue;
                const inputRow = inputData + (<usize>(((b * inputHeight + inY) * inputWidth + inX) * inputDepth + groupStart) << alignof<TActivation>());
                const filterRow = filterData + <usize>(((outChannel * filterHeight + filterY) * filterWidth + filterX) * filterDepth);
                for (let c = 0; c < filterDepth; c++) {
                  const inputValue = <i32>load<TActivation>(inputRow + (<usize>c << alignof<TActivation>()));
                  accumulator += <TAccumulator>(<i32>load<i8>(filterRow + c) * (inputValue + inputOffset));
                }
              }
            }
            if (biasData != 0) accumulator += WeightedKernel.biasOf<TAccumulator>(biasData, outChannel);
            const scaled = WeightedKernel.requantizeConvolution<TAccumulator>(accumulator, quantization.multiplier(outChannel), quantization.shift(outChannel));
            store<TActivation>(outputPointer, <TActivation>clamp(scaled + this.outputOffset, this.outputMin, this.outputMax));
            outputPointer += sizeof<TActivation>();
          }
        }
      }
    }
  }
}
