// Convolution as a matrix product: each output row's input patches are copied into one scratch
// row after another (im2col), then multiplied with the filter rows by the GEMM microkernel.
// Taps that fall into padding are filled with the input zero point, so that (x + input offset)
// is 0 there, exactly as the reference's skipped taps contribute nothing. The SIMD build widens
// the values to int16 as it copies them, which is the form its product reads.

import { GemmInt8 } from "../microkernels/gemm_int8";
import { Tensor } from "../tensor";
import { Window } from "./window";

/** Bytes per value in the scratch: the SIMD build's are widened to int16. */
const VALUE_SHIFT: i32 = ASC_FEATURE_SIMD ? 1 : 0;

/** Bytes of scratch convolveIm2col needs: one output row of patches (and room for copyValues' last 16-byte store). */
export function im2colScratchBytes(window: Window, patchSize: i32): i32 {
  return (window.outputWidth * patchSize << VALUE_SHIFT) + (ASC_FEATURE_SIMD ? 16 : 0);
}

export function convolveIm2col(gemm: GemmInt8, input: Tensor, output: Tensor, window: Window, inputOffset: i32, scratch: usize): void {
  const inputHeight = input.dim(1);
  const inputWidth = input.dim(2);
  const inputDepth = input.dim(3);
  const outputHeight = output.dim(1);
  const outputWidth = output.dim(2);
  const channels = output.dim(3);
  const padValue = <i8>(-inputOffset);
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
            copyValues(patch, source, rowBytes);
            patch += <usize>(rowBytes << VALUE_SHIFT);
            source += filterRowStep;
          }
          continue;
        }
        for (let filterY = 0; filterY < filterHeight; filterY++) {
          const inY = inYOrigin + dilationHeight * filterY;
          if (rowInside && inY >= 0 && inY < inputHeight) {
            copyValues(patch, image + <usize>((inY * inputWidth + inXOrigin) * inputDepth), rowBytes);
            patch += <usize>(rowBytes << VALUE_SHIFT);
            continue;
          }
          for (let filterX = 0; filterX < filterWidth; filterX++) {
            const inX = inXOrigin + dilationWidth * filterX;
            if (inY < 0 || inY >= inputHeight || inX < 0 || inX >= inputWidth) fillValues(patch, padValue, inputDepth);
            else copyValues(patch, image + <usize>((inY * inputWidth + inX) * inputDepth), inputDepth);
            patch += <usize>(inputDepth << VALUE_SHIFT);
          }
        }
      }
      const outputRow = output.data + <usize>(((b * outputHeight + outY) * outputWidth) * channels);
      if (ASC_FEATURE_SIMD) gemm.runWidened(scratch, gemm.depth, outputWidth, outputRow);
      else gemm.run(scratch, gemm.depth, outputWidth, outputRow);
    }
  }
}

/**
 * Copies `count` int8 values: in the scalar build as bytes (memory.copy, short runs in place: a
 * bulk copy call costs more than a few bytes do), in the SIMD build widened to int16, 8 values
 * per vector, the last vector ending at the run's end and a run under 8 values as one vector: it
 * reads up to 7 bytes and writes up to 14 bytes past the run (patches are written in order, so the
 * next one overwrites them; the scratch and the arena keep room after their ends).
 */
// @ts-ignore: decorator
@inline
function copyValues(destination: usize, source: usize, count: i32): void {
  if (ASC_FEATURE_SIMD) {
    if (count <= 8) {
      v128.store(destination, v128.load8x8_s(source));
      return;
    }
    for (let i = 0; i < count - 8; i += 8) v128.store(destination + (<usize>i << 1), v128.load8x8_s(source + i));
    v128.store(destination + (<usize>(count - 8) << 1), v128.load8x8_s(source + <usize>(count - 8)));
    return;
  }
  if (count > 16) {
    memory.copy(destination, source, <usize>count);
    return;
  }
  let i = 0;
  for (; i + 4 <= count; i += 4) store<u32>(destination + i, load<u32>(source + i));
  for (; i < count; i++) store<u8>(destination + i, load<u8>(source + i));
}

/** Fills `count` values with `value`, int8 or (SIMD build) int16, as copyValues writes them. */
// @ts-ignore: decorator
@inline
function fillValues(destination: usize, value: i8, count: i32): void {
  if (ASC_FEATURE_SIMD) {
    const values = i16x8.splat(<i16>value);
    for (let i = 0; i < count; i += 8) v128.store(destination + (<usize>i << 1), values);
    return;
  }
  if (count > 16) {
    memory.fill(destination, <u8>value, <usize>count);
    return;
  }
  for (let i = 0; i < count; i++) store<i8>(destination + i, value);
}
