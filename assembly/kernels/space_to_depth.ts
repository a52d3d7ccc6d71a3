// SPACE_TO_DEPTH: each block_size x block_size patch of an NHWC input becomes one pixel with the
// patch's pixels stacked along the channels (row of the patch first, then column, then channel).
// Any element type; a transpose of the input seen as [N, H/b, b, W/b, b, C].

import { Graph } from "../graph";
import { OptionsType } from "../schema";
import { elementSize } from "../tensor";
import { checkOutputShape, operatorError, tensorLabel } from "./kernel";
import { PixelBlockKernel } from "./pixel_blocks";

export class SpaceToDepth extends PixelBlockKernel {
  prepare(graph: Graph): bool {
    if (!this.bindBlocks(graph, OptionsType.SPACE_TO_DEPTH)) return false;
    const blockSize = this.blockSize;
    const batches = this.batches;
    const height = this.height;
    const width = this.width;
    const channels = this.channels;
    if (height % blockSize != 0 || width % blockSize != 0) {
      return operatorError(this.node, "block size " + blockSize.toString() + " must divide the height and width of " + tensorLabel(this.input));
    }
    const outputHeight = height / blockSize;
    const outputWidth = width / blockSize;
    // The output has as many elements as the input, so the channel product cannot overflow.
    const outputChannels = channels * blockSize * blockSize;
    if (!checkOutputShape(this.node, this.output, [batches, outputHeight, outputWidth, outputChannels])) return false;

    // Output order (n, y, x, block row, block column, c) read from the input.
    const walk = this.walk;
    walk.begin(elementSize(this.input.type));
    walk.axis(batches, height * width * channels, outputHeight * outputWidth * outputChannels);
    walk.axis(outputHeight, blockSize * width * channels, outputWidth * outputChannels);
    walk.axis(outputWidth, blockSize * channels, outputChannels);
    walk.axis(blockSize, width * channels, blockSize * channels);
    walk.axis(blockSize, channels, channels);
    walk.axis(channels, 1, 1);
    walk.end();
    return true;
  }
}
