// RESIZE_BILINEAR, int8: TFLite's reference integer ResizeBilinear, in fixed point with 10
// fractional bits. Scale = round(1024 * in / out) (align_corners: (in - 1) / (out - 1)); the
// source position of output index i is i * scale, or i * scale + scale / 2 - 512 with
// half_pixel_centers. Its lower neighbour is position / 1024 (C++ division, at least 0), the
// upper one rounds up (at most in - 1), and the weights are the position's distance to the
// lower neighbour. The four products (20 fractional bits, in 64 bits) are summed and rounded
// half away from zero; the result is stored as is (it stays within int8).

import { Graph } from "../graph";
import { OptionsType } from "../schema";
import { TensorType } from "../tensor";
import { checkType, operatorError } from "./kernel";
import { ResizeKernel } from "./resize_kernel";

const ONE: i32 = 1 << 10;

/** For each output row or column: both source neighbours and the weight of the upper one (in 1/1024). */
class Interpolation {
  lower: StaticArray<i32>;
  upper: StaticArray<i32>;
  fraction: StaticArray<i32>;

  constructor(inputSize: i32, outputSize: i32, alignCorners: bool, halfPixelCenters: bool) {
    let scale = (ONE * inputSize + outputSize / 2) / outputSize;
    if (alignCorners && outputSize > 1) scale = (ONE * (inputSize - 1) + (outputSize - 1) / 2) / (outputSize - 1);
    this.lower = new StaticArray<i32>(outputSize);
    this.upper = new StaticArray<i32>(outputSize);
    this.fraction = new StaticArray<i32>(outputSize);
    for (let i = 0; i < outputSize; i++) {
      const position = halfPixelCenters ? i * scale + scale / 2 - ONE / 2 : i * scale;
      const lower = max(position / ONE, 0);
      this.lower[i] = lower;
      this.upper[i] = min((position + ONE - 1) / ONE, inputSize - 1);
      this.fraction[i] = position - ONE * lower;
    }
  }
}

export class ResizeBilinear extends ResizeKernel {
  rows!: Interpolation;
  columns!: Interpolation;

  prepare(graph: Graph): bool {
    const node = this.node;
    if (!this.bindResize(graph, OptionsType.RESIZE_BILINEAR, 2, 3)) return false;
    const input = this.input;
    if (!checkType(node, input, TensorType.INT8, "input")) return false;
    if (this.alignCorners && this.halfPixelCenters) return operatorError(node, "align_corners and half_pixel_centers cannot both be set");
    // Keeps ONE * size and the positions inside 32 bits, as the reference computes them.
    const largest = max(max(input.dim(1), input.dim(2)), max(this.outputHeight, this.outputWidth));
    if (largest > 1 << 16) return operatorError(node, "sizes above 65536 are not supported");
    this.rows = new Interpolation(input.dim(1), this.outputHeight, this.alignCorners, this.halfPixelCenters);
    this.columns = new Interpolation(input.dim(2), this.outputWidth, this.alignCorners, this.halfPixelCenters);
    return true;
  }

  eval(): void {
    const input = this.input;
    const inputData = input.data;
    const inputHeight = input.dim(1);
    const inputWidth = input.dim(2);
    const depth = input.dim(3);
    const rows = this.rows;
    const columns = this.columns;
    let outputPointer = this.output.data;
    for (let b = 0; b < input.dim(0); b++) {
      for (let y = 0; y < this.outputHeight; y++) {
        const lowerRow = (b * inputHeight + unchecked(rows.lower[y])) * inputWidth;
        const upperRow = (b * inputHeight + unchecked(rows.upper[y])) * inputWidth;
        const dy = <i64>unchecked(rows.fraction[y]);
        for (let x = 0; x < this.outputWidth; x++) {
          const left = unchecked(columns.lower[x]);
          const right = unchecked(columns.upper[x]);
          const dx = <i64>unchecked(columns.fraction[x]);
          const topLeft = inputData + <usize>((lowerRow + left) * depth);
          const bottomLeft = inputData + <usize>((upperRow + left) * depth);
          const topRight = inputData + <usize>((lowerRow + right) * depth);
          const bottomRight = inputData + <usize>((upperRow + right) * depth);
          for (let c = 0; c < depth; c++) {
            const sum = <i64>load<i8>(topLeft + c) * (ONE - dy) * (ONE - dx)
              + <i64>load<i8>(bottomLeft + c) * dy * (ONE - dx)
              + <i64>load<i8>(topRight + c) * (ONE - dy) * dx
              + <i64>load<i8>(bottomRight + c) * dy * dx;
            const rounding: i64 = sum > 0 ? 1 << 19 : -(1 << 19);
            store<i8>(outputPointer, <i8>((sum + rounding) / (1 << 20)));
            outputPointer++;
          }
        }
      }
    }
  }
}
