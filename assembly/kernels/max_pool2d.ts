// MAX_POOL_2D, int8: TFLite's reference integer MaxPool over the valid part of each window.

import { clamp } from "../quant";
import { Pool2D } from "./pool2d";

export class MaxPool2D extends Pool2D {
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
          for (let channel = 0; channel < depth; channel++) {
            let maximum: i32 = -128;
            for (let filterY = filterYStart; filterY < filterYEnd; filterY++) {
              const rowStart = inputData + <usize>(((b * inputHeight + inYOrigin + filterY) * inputWidth + inXOrigin) * depth + channel);
              for (let filterX = filterXStart; filterX < filterXEnd; filterX++) {
                maximum = max(maximum, <i32>load<i8>(rowStart + <usize>(filterX * depth)));
              }
            }
            store<i8>(outputPointer, <i8>clamp(maximum, this.outputMin, this.outputMax));
            outputPointer++;
          }
        }
      }
    }
  }
}
