// Convolution as a matrix product: each output row's input patches are copied into one scratch
// row after another (im2col), then multiplied with the filter rows by the GEMM microkernel.
// Taps that fall into padding are filled with the input zero point, so that (x + input offset)
// is 0 there, exactly as the reference's skipped taps contribute nothing.

import { GemmInt8 } from "../microkernels/gemm_int8";
import { Tensor } from "../tensor";
import { Window } from "./window";

/** Bytes of scratch convolveIm2col needs: one output row of patches (and room for copyBytes' last 16-byte store). */
export function im2colScratchBytes(window: Window, patchSize: i32): i32 {
  return window.outputWidth * patchSize + (ASC_FEATURE_SIMD ? 16 : 0);
}

export function convolveIm2col(gemm: GemmInt8, input: Tensor, output: Tensor, window: Window, inputOffset: i32, scratch: usize): void {
  const inputHeight = input.dim(1);
  const inputWidth = input.dim(2);
  const inputDepth = input.dim(3);
  const outputHeight = output.dim(1);
  const outputWidth = output.dim(2);
  const channels = output.dim(3);
  const padValue = <u8>(-inputOffset);
  // The window's fields as locals: the copies store to memory, which could hold them.
  const filterHeight = window.filterHeight;
  const filterWidth = window.filterWidth;
  const strideWidth = window.strideWidth;
  const dilationHeight = window.dilationHeight;
  const dilationWidth = window.dilationWidth;
  const rowBytes = filterWidth * inputDepth;
  const filterRowStep = <usize>(dilationHeight * inputWidth * inputDepth);
  for (let b = 0; b < input.dim(0); b++) {
    const image = input.data + <usize>(b * inputHeight * inputWidth * inputDepth);
    for (let outY = 0; outY < outputHeight; outY++) {
      const inYOrigin = outY * window.strideHeight - window.paddingHeight;
      const rowsInside = inYOrigin >= 0 && inYOrigin + (filterHeight - 1) * dilationHeight < inputHeight;
      let patch = scratch;
      for (let outX = 0; outX < outputWidth; outX++) {
        const inXOrigin = outX * strideWidth - window.paddingWidth;
        // Without dilation, a filter row inside the image is one contiguous run of the input.
        const rowInside = dilationWidth == 1 && inXOrigin >= 0 && inXOrigin + filterWidth <= inputWidth;
        if (rowInside && rowsInside) {
          let source = image + <usize>((inYOrigin * inputWidth + inXOrigin) * inputDepth);
          for (let filterY = 0; filterY < filterHeight; filterY++) {
            copyBytes(patch, source, rowBytes);
            patch += <usize>rowBytes;
            source += filterRowStep;
          }
          continue;
        }
        for (let filterY = 0; filterY < filterHeight; filterY++) {
          const inY = inYOrigin + dilationHeight * filterY;
          if (rowInside && inY >= 0 && inY < inputHeight) {
            copyBytes(patch, image + <usize>((inY * inputWidth + inXOrigin) * inputDepth), rowBytes);
            patch += <usize>rowBytes;
            continue;
          }
          for (let filterX = 0; filterX < filterWidth; filterX++) {
            const inX = inXOrigin + dilationWidth * filterX;
            if (inY < 0 || inY >= inputHeight || inX < 0 || inX >= inputWidth) fillBytes(patch, padValue, inputDepth);
            else copyBytes(patch, image + <usize>((inY * inputWidth + inX) * inputDepth), inputDepth);
            patch += <usize>inputDepth;
          }
        }
      }
      gemm.run(scratch, gemm.depth, outputWidth, output.data + <usize>(((b * outputHeight + outY) * outputWidth) * channels));
    }
  }
}

/**
 * memory.copy, with short runs copied in place: a bulk copy call costs more than a few bytes do.
 * The SIMD build copies whole 16-byte vectors, the last one ending at the run's end, and a run
 * under 16 bytes as one vector: it reads and writes up to 15 bytes past the run (patches are
 * written in order, so the next one overwrites them; the scratch and the arena keep room after
 * their ends).
 */
// @ts-ignore: decorator
@inline
function copyBytes(destination: usize, source: usize, bytes: i32): void {
  if (bytes > (ASC_FEATURE_SIMD ? 256 : 16)) {
    memory.copy(destination, source, <usize>bytes);
    return;
  }
  if (ASC_FEATURE_SIMD) {
    if (bytes <= 16) {
      v128.store(destination, v128.load(source));
      return;
    }
    for (let i = 0; i < bytes - 16; i += 16) v128.store(destination + i, v128.load(source + i));
    v128.store(destination + <usize>(bytes - 16), v128.load(source + <usize>(bytes - 16)));
    return;
  }
  let i = 0;
  for (; i + 4 <= bytes; i += 4) store<u32>(destination + i, load<u32>(source + i));
  for (; i < bytes; i++) store<u8>(destination + i, load<u8>(source + i));
}

/** memory.fill, with short runs filled in place (the SIMD build as one 16-byte store, like copyBytes). */
// @ts-ignore: decorator
@inline
function fillBytes(destination: usize, value: u8, bytes: i32): void {
  if (ASC_FEATURE_SIMD && bytes <= 16) {
    v128.store(destination, i8x16.splat(value));
    return;
  }
  if (bytes > 16) {
    memory.fill(destination, value, <usize>bytes);
    return;
  }
  for (let i = 0; i < bytes; i++) store<u8>(destination + i, value);
}
