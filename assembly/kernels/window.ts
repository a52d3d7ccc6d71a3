// Geometry shared by the windowed kernels (convolutions and pooling): strides, dilation,
// padding and fused activation, read from the operator's options and checked.

import { fieldI32, fieldI8 } from "../flatbuffer";
import { Node } from "../graph";
import { outputSize, paddingBefore } from "../padding";
import { Activation, OptionsType, Padding } from "../schema";
import { Tensor } from "../tensor";
import { checkActivation, checkOutputShape, checkRank, operatorError, optionsOf } from "./kernel";

const MAX_EXTENT: i32 = 1 << 14;

export class Window {
  padding: i32 = Padding.SAME;
  strideWidth: i32 = 1;
  strideHeight: i32 = 1;
  dilationWidth: i32 = 1;
  dilationHeight: i32 = 1;
  filterWidth: i32 = 1;
  filterHeight: i32 = 1;
  activation: i32 = Activation.NONE;
  paddingWidth: i32 = 0;
  paddingHeight: i32 = 0;
  outputWidth: i32 = 0;
  outputHeight: i32 = 0;

  /** Reads padding (field 0) and strides (fields 1, 2), common to all window options tables. */
  readStrides(options: u32): void {
    this.padding = fieldI8(options, 0, Padding.SAME);
    this.strideWidth = fieldI32(options, 1, 1);
    this.strideHeight = fieldI32(options, 2, 1);
  }

  readDilation(options: u32, widthField: i32, heightField: i32): void {
    this.dilationWidth = fieldI32(options, widthField, 1);
    this.dilationHeight = fieldI32(options, heightField, 1);
  }

  /**
   * A convolution's window: padding and strides, the fused activation at `activationField` and
   * the dilation factors in the two fields after it (Conv2DOptions, DepthwiseConv2DOptions), the
   * filter's height and width; resolved against the NHWC input, with the output's shape checked
   * as [batches, height, width, channels].
   */
  configureConvolution(node: Node, options: u32, activationField: i32, filterHeight: i32, filterWidth: i32, input: Tensor, output: Tensor, channels: i32): bool {
    this.readStrides(options);
    this.activation = fieldI8(options, activationField, 0);
    this.readDilation(options, activationField + 1, activationField + 2);
    this.filterHeight = filterHeight;
    this.filterWidth = filterWidth;
    return this.resolveOutput(node, input, output, channels);
  }

  /**
   * CONV_2D's shapes and window: rank-4 input and output, a filter [output channels, height,
   * width, group depth] whose depth divides the input depth into groups that divide the output
   * channels.
   */
  configureConv2D(node: Node, input: Tensor, filter: Tensor, output: Tensor): bool {
    if (!checkRank(node, input, 4, "input") || !checkRank(node, output, 4, "output")) return false;
    const outputChannels = filter.dim(0);
    const groupDepth = filter.dim(3);
    const inputDepth = input.dim(3);
    if (groupDepth == 0 || inputDepth % groupDepth != 0 || outputChannels % (inputDepth / groupDepth) != 0) {
      return operatorError(node, "filter depth " + groupDepth.toString() + " does not divide input depth " + inputDepth.toString() + " into groups");
    }
    return this.configureConvolution(node, optionsOf(node, OptionsType.CONV_2D), 3, filter.dim(1), filter.dim(2), input, output, outputChannels);
  }

  /** DEPTHWISE_CONV_2D's shapes and window: rank-4 input and output, a filter [1, height, width, input depth x depth multiplier]. */
  configureDepthwiseConv2D(node: Node, input: Tensor, filter: Tensor, output: Tensor): bool {
    if (!checkRank(node, input, 4, "input") || !checkRank(node, output, 4, "output")) return false;
    const inputDepth = input.dim(3);
    const outputChannels = filter.dim(3);
    if (filter.dim(0) != 1 || inputDepth == 0 || outputChannels % inputDepth != 0) {
      return operatorError(node, "filter must be [1, height, width, input depth x depth multiplier]");
    }
    return this.configureConvolution(node, optionsOf(node, OptionsType.DEPTHWISE_CONV_2D), 4, filter.dim(1), filter.dim(2), input, output, outputChannels);
  }

  /** A pooling window (Pool2DOptions: padding, strides, filter width and height, fused activation); the output keeps the input's depth. */
  configurePooling(node: Node, options: u32, input: Tensor, output: Tensor): bool {
    this.readStrides(options);
    this.filterWidth = fieldI32(options, 3, 1);
    this.filterHeight = fieldI32(options, 4, 1);
    this.activation = fieldI8(options, 5, 0);
    return this.resolveOutput(node, input, output, input.dim(3));
  }

  private resolveOutput(node: Node, input: Tensor, output: Tensor, channels: i32): bool {
    if (!this.resolve(node, input.dim(1), input.dim(2))) return false;
    return checkOutputShape(node, output, [input.dim(0), this.outputHeight, this.outputWidth, channels]);
  }

  /** Checks the parameters and computes output size and padding for an input of the given size. */
  resolve(node: Node, inputHeight: i32, inputWidth: i32): bool {
    if (this.padding != Padding.SAME && this.padding != Padding.VALID) {
      return operatorError(node, "padding " + this.padding.toString() + " is neither SAME nor VALID");
    }
    if (this.strideWidth < 1 || this.strideHeight < 1 || this.dilationWidth < 1 || this.dilationHeight < 1) {
      return operatorError(node, "strides and dilation factors must be at least 1");
    }
    if (this.filterWidth < 1 || this.filterHeight < 1) return operatorError(node, "the filter must be at least 1x1");
    // Bounds that keep every size and padding computation inside 32 bits.
    if (max(this.strideWidth, this.strideHeight) > MAX_EXTENT || max(this.dilationWidth, this.dilationHeight) > MAX_EXTENT
      || max(this.filterWidth, this.filterHeight) > MAX_EXTENT) {
      return operatorError(node, "strides, dilation factors and filter sizes must be at most " + MAX_EXTENT.toString());
    }
    if (!checkActivation(node, this.activation)) return false;
    this.outputHeight = outputSize(this.padding, inputHeight, this.filterHeight, this.strideHeight, this.dilationHeight);
    this.outputWidth = outputSize(this.padding, inputWidth, this.filterWidth, this.strideWidth, this.dilationWidth);
    this.paddingHeight = paddingBefore(this.strideHeight, this.dilationHeight, inputHeight, this.filterHeight, this.outputHeight);
    this.paddingWidth = paddingBefore(this.strideWidth, this.dilationWidth, inputWidth, this.filterWidth, this.outputWidth);
    return true;
  }
}
