// What RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR share: an NHWC input, a constant int32 size
// input [new_height, new_width], the output [batches, new_height, new_width, channels] of the
// input's type, and the options align_corners and half_pixel_centers.

import { fieldU8 } from "../flatbuffer";
import { Graph } from "../graph";
import { TensorType } from "../tensor";
import { checkConstant, checkOutputShape, checkRank, checkType, operatorError, optionalInput, optionsOf, tensorLabel } from "./kernel";
import { UnaryKernel } from "./unary_kernel";

export class ResizeKernel extends UnaryKernel {
  outputHeight: i32 = 0;
  outputWidth: i32 = 0;
  alignCorners: bool = false;
  halfPixelCenters: bool = false;

  /** Binds and checks the tensors; reads the two flags at the given fields of the options. */
  bindResize(graph: Graph, optionsType: i32, alignCornersField: i32, halfPixelCentersField: i32): bool {
    const node = this.node;
    if (!this.bindUnary(graph, 2)) return false;
    const input = this.input;
    const size = optionalInput(graph, node, 1);
    if (size == null) return operatorError(node, "needs the size input");
    if (!checkType(node, size, TensorType.INT32, "size") || !checkConstant(node, size, "size")) return false;
    if (size.elementCount != 2) return operatorError(node, "size " + tensorLabel(size) + " must hold 2 values");
    if (!checkRank(node, input, 4, "input") || !checkType(node, this.output, input.type, "output")) return false;
    if (input.dim(1) < 1 || input.dim(2) < 1) return operatorError(node, "input " + tensorLabel(input) + " has no pixels to sample");
    this.outputHeight = load<i32>(size.data);
    this.outputWidth = load<i32>(size.data + 4);
    if (this.outputHeight < 1 || this.outputWidth < 1) return operatorError(node, "size " + tensorLabel(size) + " must be positive");
    if (!checkOutputShape(node, this.output, [input.dim(0), this.outputHeight, this.outputWidth, input.dim(3)])) return false;
    const options = optionsOf(node, optionsType);
    this.alignCorners = fieldU8(options, alignCornersField, 0) != 0;
    this.halfPixelCenters = fieldU8(options, halfPixelCentersField, 0) != 0;
    return true;
  }
}
