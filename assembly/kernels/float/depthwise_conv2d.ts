// DEPTHWISE_CONV_2D, float32: TFLite's reference float DepthwiseConv. Filter [1, height, width,
// input depth x depth multiplier]; output channel c reads input channel c / depth multiplier.
// Each output sums over the window (rows, then columns), adds the bias and clamps.

import { Graph } from "../../graph";
import { OptionsType } from "../../schema";
import { checkRank, operatorError, optionsOf } from "../kernel";
import { Window } from "../window";
import { clampFloat, loadF32, storeF32 } from "./activation";
import { FloatWeightedKernel } from "./weighted";

export class FloatDepthwiseConv2D extends FloatWeightedKernel {
  window: Window = new Window();
  depthMultiplier: i32 = 1;

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
    this.macs = <f64>this.output.elementCount * <f64>(filter.dim(1) * filter.dim(2));
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
    const outputData = output.data;
    const low = this.range.low;
    const high = this.range.high;
    let outputIndex = 0;

    for (let b = 0; b < batches; b++) {
      for (let outY = 0; outY < outputHeight; outY++) {
        const inYOrigin = outY * window.strideHeight - window.paddingHeight;
        for (let outX = 0; outX < outputWidth; outX++) {
          const inXOrigin = outX * window.strideWidth - window.paddingWidth;
          for (let outChannel = 0; outChannel < outputChannels; outChannel++) {
            const inChannel = outChannel / depthMultiplier;
            let total: f32 = 0;
            for (let filterY = 0; filterY < filterHeight; filterY++) {
              const inY = inYOrigin + window.dilationHeight * filterY;
              if (inY < 0 || inY >= inputHeight) continue;
              for (let filterX = 0; filterX < filterWidth; filterX++) {
                const inX = inXOrigin + window.dilationWidth * filterX;
                if (inX < 0 || inX >= inputWidth) continue;
                const inputValue = loadF32(inputData, ((b * inputHeight + inY) * inputWidth + inX) * inputDepth + inChannel);
                total += inputValue * loadF32(filterData, (filterY * filterWidth + filterX) * outputChannels + outChannel);
              }
            }
            storeF32(outputData, outputIndex++, clampFloat(total + this.biasOf(outChannel), low, high));
          }
        }
      }
    }
  }
}
