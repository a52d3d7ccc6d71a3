// AssemblyScript entry that exposes the int8 microkernels to their unit tests, which compare them
// with plain reference loops on random shapes. Compiled by microkernels.test.ts in both builds.

import { foldInputOffset, GemmInt8, paddedChannels } from "../../assembly/microkernels/gemm_int8";
import { DepthwiseInt8 } from "../../assembly/microkernels/dwconv_int8";
import { RequantizeSingleX4, RequantizeX4, requantizeShiftedX4, requantizeSingleX4For, requantizeUniformX4, requantizeX4For, requantizedBytes8, simplifyConstantChannel } from "../../assembly/microkernels/requantize_x4";
import { multiplyByQuantizedMultiplier, multiplyByQuantizedMultiplierSingleRounding, setRoundingOnce } from "../../assembly/quant";

/** The model-wide rounding mode (a model's metadata sets it at load). */
export function setRounding(once: bool): void {
  setRoundingOnce(once);
}

/** MultiplyByQuantizedMultiplier of four values at `values`, in place: SIMD (uniform) or scalar. */
export function requantizeFour(values: usize, multiplier: i32, shift: i32): void {
  if (ASC_FEATURE_SIMD) {
    v128.store(values, requantizeUniformX4(v128.load(values), multiplier, shift));
    return;
  }
  for (let i = 0; i < 4; i++) {
    const p = values + (<usize>i << 2);
    store<i32>(p, multiplyByQuantizedMultiplier(load<i32>(p), multiplier, shift));
  }
}

/** MultiplyByQuantizedMultiplier of four values at `values` times 2^leftShift, in place: SIMD (requantizeShiftedX4) or scalar. */
export function requantizeShiftedFour(values: usize, leftShift: i32, multiplier: i32, shift: i32): void {
  if (ASC_FEATURE_SIMD) {
    v128.store(values, requantizeShiftedX4(v128.load(values), leftShift, multiplier, shift));
    return;
  }
  for (let i = 0; i < 4; i++) {
    const p = values + (<usize>i << 2);
    store<i32>(p, multiplyByQuantizedMultiplier(load<i32>(p) << leftShift, multiplier, shift));
  }
}

/**
 * Value i at `values` requantized with channel i's multiplier and shift (single or double
 * rounding), plus outputOffset, as int8 at output + i: SIMD (8 channels at a time; count is a
 * multiple of 8) where requantizeX4For or requantizeSingleX4For gives one, else scalar. Returns 1
 * when it was SIMD.
 */
export function requantizeChannels(values: usize, multipliers: usize, shifts: usize, count: i32, outputOffset: i32, output: usize, single: bool): i32 {
  if (ASC_FEATURE_SIMD) {
    const double: RequantizeX4 | null = single ? null : requantizeX4For(multipliers, shifts, count, outputOffset, -128, 127);
    const once: RequantizeSingleX4 | null = single ? requantizeSingleX4For(multipliers, shifts, count, outputOffset, -128, 127) : null;
    if (double != null || once != null) {
      for (let c = 0; c < count; c += 8) {
        const low = v128.load(values + (<usize>c << 2)), high = v128.load(values + (<usize>c << 2), 16);
        v128.store64_lane(output + c, double != null ? requantizedBytes8<RequantizeX4>(double, low, high, c) : requantizedBytes8<RequantizeSingleX4>(changetype<RequantizeSingleX4>(once), low, high, c), 0);
      }
      return 1;
    }
  }
  for (let c = 0; c < count; c++) {
    const x = load<i32>(values + (<usize>c << 2)), multiplier = load<i32>(multipliers + (<usize>c << 2)), shift = load<i32>(shifts + (<usize>c << 2));
    const value = single ? multiplyByQuantizedMultiplierSingleRounding(x, multiplier, shift) : multiplyByQuantizedMultiplier(x, multiplier, shift);
    store<i8>(output + c, <i8>min(127, max(-128, value + outputOffset)));
  }
  return 0;
}

/** simplifyConstantChannel on channel 0 of one-channel arrays, in place. */
export function simplifyConstant(multipliers: usize, shifts: usize, accumulator: i32, single: bool): void {
  simplifyConstantChannel(multipliers, shifts, 0, accumulator, single);
}

export function allocate(bytes: i32): usize {
  return heap.alloc(<usize>bytes);
}

export function gemm(filter: usize, depth: i32, channels: i32, bias: usize, inputOffset: i32, multipliers: usize, shifts: usize,
  outputOffset: i32, outputMin: i32, outputMax: i32, singleRounding: bool, input: usize, inputStride: i32, rows: i32, output: usize): void {
  const kernel = new GemmInt8();
  kernel.filter = filter;
  kernel.depth = depth;
  kernel.channels = channels;
  kernel.multipliers = multipliers;
  kernel.shifts = shifts;
  // A scalar product of single rows adds the input offset to each value; the others fold it into the bias.
  if (ASC_FEATURE_SIMD || rows > 1) {
    kernel.bias = heap.alloc(<usize>paddedChannels(channels) << 2);
    foldInputOffset(kernel.bias, filter, depth, channels, bias, inputOffset);
  } else {
    kernel.bias = bias;
    kernel.inputOffset = inputOffset;
  }
  kernel.outputOffset = outputOffset;
  kernel.outputMin = outputMin;
  kernel.outputMax = outputMax;
  kernel.singleRounding = singleRounding;
  kernel.prepare();
  kernel.run(input, inputStride, rows, output);
}

/** A whole depthwise layer (batch 1, depth multiplier 1, no padding rows beyond the image) over `height x width`. */
export function depthwise(filter: usize, filterHeight: i32, filterWidth: i32, channels: i32, bias: usize, inputOffset: i32,
  multipliers: usize, shifts: usize, outputOffset: i32, outputMin: i32, outputMax: i32,
  input: usize, height: i32, width: i32, stride: i32, dilation: i32, padding: i32, outputHeight: i32, outputWidth: i32, output: usize): void {
  const kernel = new DepthwiseInt8();
  kernel.filter = filter;
  kernel.bias = bias;
  kernel.channels = channels;
  kernel.filterHeight = filterHeight;
  kernel.filterWidth = filterWidth;
  kernel.multipliers = multipliers;
  kernel.shifts = shifts;
  kernel.inputOffset = inputOffset;
  kernel.outputOffset = outputOffset;
  kernel.outputMin = outputMin;
  kernel.outputMax = outputMax;
  kernel.prepare();
  for (let outY = 0; outY < outputHeight; outY++) {
    const inY0 = outY * stride - padding;
    const fy0 = max(0, (-inY0 + dilation - 1) / dilation);
    const fy1 = min(filterHeight, (height - inY0 + dilation - 1) / dilation);
    for (let outX = 0; outX < outputWidth; outX++) {
      const inX0 = outX * stride - padding;
      const fx0 = max(0, (-inX0 + dilation - 1) / dilation);
      const fx1 = min(filterWidth, (width - inX0 + dilation - 1) / dilation);
      // The interior paths (SIMD build: 3x3; scalar build: pairs), one pixel at a time and in runs of two or more.
      const runs = ASC_FEATURE_SIMD ? kernel.fitsInterior3x3() : kernel.fitsInteriorPairs();
      if (runs && fx0 == 0 && fx1 == filterWidth) {
        const count = outX % 3 == 0 ? 1 : min(outputWidth - outX, max(1, (width - (filterWidth - 1) * dilation - inX0 + stride - 1) / stride));
        const pixelOutput = output + <usize>((outY * outputWidth + outX) * channels);
        const done = ASC_FEATURE_SIMD
          ? kernel.interior3x3(input, width, inY0, inX0, fy0, fy1, dilation, dilation, stride, count, pixelOutput)
          : kernel.interiorPairs(input, width, inY0, inX0, fy0, fy1, dilation, dilation, stride, count, pixelOutput);
        if (done > 0) {
          outX += done - 1;
          continue;
        }
      }
      kernel.pixel(input, width, inY0, inX0, dilation, dilation, fy0, fy1, fx0, fx1, output + <usize>((outY * outputWidth + outX) * channels));
    }
  }
}
