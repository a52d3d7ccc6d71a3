// SPACE_TO_DEPTH and DEPTH_TO_SPACE move square blocks of NHWC pixels between the spatial axes
// and the channels, as one strided copy. What they share: a 4-D input, an output of the same
// type, and a positive block_size option.

import { fieldI32 } from "../flatbuffer";
import { Graph } from "../graph";
import { hasError } from "../status";
import { checkRank, operatorError, optionsOf } from "./kernel";
import { checkSameType } from "./parameters";
import { StridedCopyKernel } from "./strided_copy";

export class PixelBlockKernel extends StridedCopyKernel {
  blockSize: i32 = 0;
  batches: i32 = 0;
  height: i32 = 0;
  width: i32 = 0;
  channels: i32 = 0;

  /** Binds the tensors, reads the input's extents and block_size (options of union member `optionsType`). */
  bindBlocks(graph: Graph, optionsType: i32): bool {
    const node = this.node;
    if (!this.bindUnary(graph)) return false;
    const input = this.input;
    if (!checkSameType(node, input, this.output) || !checkRank(node, input, 4, "input")) return false;
    this.batches = input.dim(0);
    this.height = input.dim(1);
    this.width = input.dim(2);
    this.channels = input.dim(3);
    this.blockSize = fieldI32(optionsOf(node, optionsType), 0, 0);
    if (hasError()) return false;
    if (this.blockSize >= 1) return true;
    return operatorError(node, "block size " + this.blockSize.toString() + " must be positive");
  }
}
