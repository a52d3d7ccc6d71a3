// DEPTH_TO_SPACE: the inverse of SPACE_TO_DEPTH. Each NHWC pixel's channels are cut into
// block_size x block_size groups that become a patch of output pixels (row of the patch first).
// Any element type; a transpose of the input seen as [N, H, W, b, b, C/b²].

import { Graph } from "../graph";
import { OptionsType } from "../schema";
import { elementSize } from "../tensor";
import { checkOutputShape, operatorError, tensorLabel } from "./kernel";
import { PixelBlockKernel } from "./pixel_blocks";

export class DepthToSpace extends PixelBlockKernel {
  prepare(graph: Graph): bool {
    if (!this.bindBlocks(graph, OptionsType.DEPTH_TO_SPACE)) return false;
    const blockSize = this.blockSize;
    const batches = this.batches;
    const height = this.height;
    const width = this.width;
    const channels = this.channels;
    const blockArea = <i64>blockSize * <i64>blockSize;
    if (<i64>channels % blockArea != 0) {
      return operatorError(this.node, "the square of block size " + blockSize.toString() + " must divide the channels of " + tensorLabel(this.input));
    }
    const outputChannels = channels / <i32>blockArea;
    const outputHeight = <i64>height * blockSize;
    const outputWidth = <i64>width * blockSize;
    if (outputHeight > i32.MAX_VALUE || outputWidth > i32.MAX_VALUE) return operatorError(this.node, "block size " + blockSize.toString() + " is too large");
    if (!checkOutputShape(this.node, this.output, [batches, <i32>outputHeight, <i32>outputWidth, outputChannels])) return false;

    // Output order (n, y, block row, x, block column, c) read from the input.
    const outputRow = <i32>outputWidth * outputChannels;
    const walk = this.walk;
    walk.begin(elementSize(this.input.type));
    walk.axis(batches, height * width * channels, height * width * channels);
    walk.axis(height, width * channels, width * channels);
    walk.axis(blockSize, blockSize * outputChannels, outputRow);
    walk.axis(width, channels, blockSize * outputChannels);
    walk.axis(blockSize, outputChannels, outputChannels);
    walk.axis(outputChannels, 1, 1);
    walk.end();
    return true;
  }
}
