// AVERAGE_POOL_2D, int8: TFLite's reference integer AveragePool. Padding is excluded from the
// average; the sum is divided by the number of valid elements, rounding half away from zero.

import { clamp } from "../quant";
import { Pool2D } from "./pool2d";

export class AveragePool2D extends Pool2D {
  eval(): void {
    const input = this.input;
    const window = this.window;
    const batches = input.dim(0);
    const inputHeight = input.dim(1);
    const inputWidth = input.dim(2);
    const depth = input.dim(3);
    const inputData = input.data;
    let outputPointer = this.output.data;
    for (let b = 0; b < batches; b++) {
      for (let outY = 0; outY < window.outputHeight; outY++) {
        const inYOrigin = outY * window.strideHeight - window.paddingHeight;
        const filterYStart = max(0, -inYOrigin);
        const filterYEnd = min(window.filterHeight, inputHeight - inYOrigin);
        for (let outX = 0; outX < window.outputWidth; outX++) {
          const inXOrigin = outX * window.strideWidth - window.paddingWidth;
          const filterXStart = max(0, -inXOrigin);
          const filterXEnd = min(window.filterWidth, inputWidth - inXOrigin);
          const count = (filterYEnd - filterYStart) * (filterXEnd - filterXStart);
          for (let channel = 0; channel < depth; channel++) {
            let sum: i32 = 0;
            for (let filterY = filterYStart; filterY < filterYEnd; filterY++) {
              const rowStart = inputData + <usize>(((b * inputHeight + inYOrigin + filterY) * inputWidth + inXOrigin) * depth + channel);
              for (let filterX = filterXStart; filterX < filterXEnd; filterX++) {
                sum += <i32>load<i8>(rowStart + <usize>(filterX * depth));
              }
            }
            // An empty window (possible only with degenerate padding) averages to zero, as in TFLite.
            let average: i32 = 0;
            if (count > 0) average = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
            store<i8>(outputPointer, <i8>clamp(average, this.outputMin, this.outputMax));
            outputPointer++;
          }
        }
      }
    }
  }
}
