// Geometry shared by the windowed kernels (convolutions and pooling): strides, dilation,
// padding and fused activation, read from the operator's options and checked.

import { fieldI32, fieldI8 } from "../flatbuffer";
import { Node } from "../graph";
import { outputSize, paddingBefore } from "../padding";
import { Activation, Padding } from "../schema";
import { checkActivation, operatorError } from "./kernel";

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
