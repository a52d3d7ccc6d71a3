// RESIZE_NEAREST_NEIGHBOR, any element type: TFLite's reference ResizeNearestNeighbor, a copy of
// whole pixels. The source row (column) of each output row (column) is computed in float as the
// reference does: scale = in / out, or (in - 1) / (out - 1) with align_corners; source =
// floor((out_index + offset) * scale), or round half away from zero with align_corners; offset
// is 0.5 with half_pixel_centers; the result is clamped to the input.

import { Graph } from "../graph";
import { roundHalfAwayFromZeroF32 } from "../quant";
import { OptionsType } from "../schema";
import { elementSize } from "../tensor";
import { ResizeKernel } from "./resize_kernel";

export class ResizeNearestNeighbor extends ResizeKernel {
  sourceRows: StaticArray<i32> = [];
  sourceColumns: StaticArray<i32> = [];

  prepare(graph: Graph): bool {
    if (!this.bindResize(graph, OptionsType.RESIZE_NEAREST_NEIGHBOR, 0, 1)) return false;
    this.sourceRows = this.sources(this.input.dim(1), this.outputHeight);
    this.sourceColumns = this.sources(this.input.dim(2), this.outputWidth);
    return true;
  }

  private sources(inputSize: i32, outputSize: i32): StaticArray<i32> {
    const aligned = this.alignCorners && outputSize > 1;
    const scale = aligned ? <f32>(inputSize - 1) / <f32>(outputSize - 1) : <f32>inputSize / <f32>outputSize;
    const offset: f32 = this.halfPixelCenters ? 0.5 : 0;
    const sources = new StaticArray<i32>(outputSize);
    for (let i = 0; i < outputSize; i++) {
      const position = (<f32>i + offset) * scale;
      let source = min(<i32>(this.alignCorners ? roundHalfAwayFromZeroF32(position) : Mathf.floor(position)), inputSize - 1);
      if (this.halfPixelCenters) source = max(0, source);
      sources[i] = source;
    }
    return sources;
  }

  eval(): void {
    const input = this.input;
    const inputHeight = input.dim(1);
    const inputWidth = input.dim(2);
    const pixelBytes = <usize>(input.dim(3) * elementSize(input.type));
    let outputPointer = this.output.data;
    for (let b = 0; b < input.dim(0); b++) {
      for (let y = 0; y < this.outputHeight; y++) {
        const inputRow = <usize>(b * inputHeight + unchecked(this.sourceRows[y])) * <usize>inputWidth;
        for (let x = 0; x < this.outputWidth; x++) {
          memory.copy(outputPointer, input.data + (inputRow + <usize>unchecked(this.sourceColumns[x])) * pixelBytes, pixelBytes);
          outputPointer += pixelBytes;
        }
      }
    }
  }
}
