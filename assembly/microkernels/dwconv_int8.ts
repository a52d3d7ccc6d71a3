// int8 depthwise convolution with depth multiplier 1, the shape of every depthwise layer in
// MobileNet-style models. Channels are the inner loop: each output pixel accumulates its valid
// taps (taps that fall into padding are skipped, as in the reference) over contiguous
// channels. The SIMD build keeps 8 channels in two i32x4 accumulators per step; with a 3x3
// filter, runs of pixels whose window is inside the image horizontally take a faster path
// (interior3x3). The scalar build keeps 4 channels in registers; runs of pixels whose window is
// inside the image horizontally go two at a time (interiorPairs).

import { clamp, multiplyByQuantizedMultiplier, roundsOnce } from "../quant";
import { allZero, RequantizeX4, requantizeX4For, requantizedBytes16, requantizedBytes8, simplifyConstantChannel } from "./requantize_x4";

export class DepthwiseInt8 {
  filter: usize = 0;
  bias: usize = 0;
  channels: i32 = 0;
  filterHeight: i32 = 0;
  filterWidth: i32 = 0;
  /**
   * Per channel (i32): multiplier and shift; set before prepare() in the SIMD build and before
   * every eval in the scalar build (see kernels/channel_quantization.ts).
   */
  multipliers: usize = 0;
  shifts: usize = 0;
  inputOffset: i32 = 0;
  outputOffset: i32 = 0;
  outputMin: i32 = 0;
  outputMax: i32 = 0;
  /** The SIMD build's four-channel requantization (double rounding, see requantizeX4For; lane by lane otherwise). */
  requantizeX4: RequantizeX4 | null = null;

  /** Call once the fields are set. */
  prepare(): void {
    if (ASC_FEATURE_SIMD && !roundsOnce()) {
      const taps = this.filterHeight * this.filterWidth;
      for (let c = 0; c < this.channels; c++) {
        if (allZero(this.filter + <usize>c, this.channels, taps)) simplifyConstantChannel(this.multipliers, this.shifts, c, load<i32>(this.bias + (<usize>c << 2)), false);
      }
      this.requantizeX4 = requantizeX4For(this.multipliers, this.shifts, this.channels, this.outputOffset, this.outputMin, this.outputMax);
    }
  }

  // @ts-ignore: decorator
  @inline
  private finish(accumulator: i32, channel: i32): i8 {
    const value = multiplyByQuantizedMultiplier(accumulator, load<i32>(this.multipliers + (<usize>channel << 2)), load<i32>(this.shifts + (<usize>channel << 2)));
    return <i8>clamp(value + this.outputOffset, this.outputMin, this.outputMax);
  }

  /** Requantizes the accumulators of channels c..c+3 one by one (where requantizeX4 is null). */
  private storeLanes(accumulators: v128, c: i32, output: usize): void {
    store<i8>(output + c, this.finish(i32x4.extract_lane(accumulators, 0), c));
    store<i8>(output + c + 1, this.finish(i32x4.extract_lane(accumulators, 1), c + 1));
    store<i8>(output + c + 2, this.finish(i32x4.extract_lane(accumulators, 2), c + 2));
    store<i8>(output + c + 3, this.finish(i32x4.extract_lane(accumulators, 3), c + 3));
  }

  /** Requantizes and stores the accumulators of channels c..c+7. */
  // @ts-ignore: decorator
  @inline
  private store8(low: v128, high: v128, c: i32, output: usize): void {
    const requantizeX4 = this.requantizeX4;
    if (requantizeX4 != null) {
      v128.store64_lane(output + c, requantizedBytes8<RequantizeX4>(requantizeX4, low, high, c), 0);
    } else {
      this.storeLanes(low, c, output);
      this.storeLanes(high, c + 4, output);
    }
  }

  /** Requantizes and stores channels c..c+7 of two pixels. */
  // @ts-ignore: decorator
  @inline
  private store8x2(lowA: v128, highA: v128, lowB: v128, highB: v128, c: i32, outputA: usize, outputB: usize): void {
    const requantizeX4 = this.requantizeX4;
    if (requantizeX4 != null) {
      const bytes = requantizedBytes16<RequantizeX4>(requantizeX4, lowA, highA, lowB, highB, c);
      v128.store64_lane(outputA + c, bytes, 0);
      v128.store64_lane(outputB + c, bytes, 1);
    } else {
      this.store8(lowA, highA, c, outputA);
      this.store8(lowB, highB, c, outputB);
    }
  }

  /** SIMD build: whether interior pixels can go through interior3x3. */
  fitsInterior3x3(): bool {
    return this.filterHeight == 3 && this.filterWidth == 3 && this.channels % 8 == 0;
  }

  /**
   * SIMD build, 3x3 filters and whole blocks of 8 channels: `count` output pixels of one row whose
   * windows lie inside the image horizontally, the first starting at input column inX0 and row
   * inY0, with valid filter rows [fy0, fy1); returns count. Each block of 8 channels runs over all
   * the pixels, so its weights are widened and paired once and stay in registers. Filter rows
   * outside the image get zero weights and read a row of the image instead. The input offset is
   * folded into the bias (sum of w * (x + offset) = sum of w * x + offset * sum of w, exact in wrapping 32-bit
   * arithmetic). The nine taps go to i32x4.dot_i16x8_s as int16 pairs: rows 0 and 1 of each
   * column, row 2's columns 0 and 1, and row 2's column 2 with a zero.
   */
  interior3x3(image: usize, inputWidth: i32, inY0: i32, inX0: i32, fy0: i32, fy1: i32, dilationHeight: i32, dilationWidth: i32,
    strideWidth: i32, count: i32, output: usize): i32 {
    const channels = this.channels;
    const offset = i16x8.splat(<i16>this.inputOffset);
    const zero = i16x8.splat(0);
    const tapStep = <usize>(dilationWidth * channels);
    const pixelStep = <usize>(strideWidth * channels);
    const firstColumn = <usize>(inX0 * channels);
    for (let c = 0; c < channels; c += 8) {
      const w00 = this.weights(fy0, fy1, 0, 0, c), w01 = this.weights(fy0, fy1, 0, 1, c), w02 = this.weights(fy0, fy1, 0, 2, c);
      const w10 = this.weights(fy0, fy1, 1, 0, c), w11 = this.weights(fy0, fy1, 1, 1, c), w12 = this.weights(fy0, fy1, 1, 2, c);
      const w20 = this.weights(fy0, fy1, 2, 0, c), w21 = this.weights(fy0, fy1, 2, 1, c), w22 = this.weights(fy0, fy1, 2, 2, c);
      const pairs0Low = interleave(w00, w10, false), pairs0High = interleave(w00, w10, true);
      const pairs1Low = interleave(w01, w11, false), pairs1High = interleave(w01, w11, true);
      const pairs2Low = interleave(w02, w12, false), pairs2High = interleave(w02, w12, true);
      const pairs3Low = interleave(w20, w21, false), pairs3High = interleave(w20, w21, true);
      const pairs4Low = interleave(w22, zero, false), pairs4High = interleave(w22, zero, true);
      // At most 9 x 128 in magnitude: the sum of the weights fits int16.
      const weightSum = i16x8.add(i16x8.add(i16x8.add(w00, w01), i16x8.add(w02, w10)), i16x8.add(i16x8.add(w11, w12), i16x8.add(i16x8.add(w20, w21), w22)));
      const biasLow = i32x4.add(v128.load(this.bias + (<usize>c << 2)), i32x4.extmul_low_i16x8_s(weightSum, offset));
      const biasHigh = i32x4.add(v128.load(this.bias + (<usize>c << 2), 16), i32x4.extmul_high_i16x8_s(weightSum, offset));
      let p0 = this.filterRow(image, inputWidth, inY0, fy0, fy1, dilationHeight, 0, c) + firstColumn;
      let p1 = this.filterRow(image, inputWidth, inY0, fy0, fy1, dilationHeight, 1, c) + firstColumn;
      let p2 = this.filterRow(image, inputWidth, inY0, fy0, fy1, dilationHeight, 2, c) + firstColumn;
      let pixelOutput = output;
      let i = 0;
      // Two pixels per step share the requantization's parameters and narrowing.
      for (; i + 2 <= count; i += 2) {
        const lowA = taps3x3(biasLow, p0, p1, p2, tapStep, pairs0Low, pairs1Low, pairs2Low, pairs3Low, pairs4Low, false);
        const highA = taps3x3(biasHigh, p0, p1, p2, tapStep, pairs0High, pairs1High, pairs2High, pairs3High, pairs4High, true);
        const lowB = taps3x3(biasLow, p0 + pixelStep, p1 + pixelStep, p2 + pixelStep, tapStep, pairs0Low, pairs1Low, pairs2Low, pairs3Low, pairs4Low, false);
        const highB = taps3x3(biasHigh, p0 + pixelStep, p1 + pixelStep, p2 + pixelStep, tapStep, pairs0High, pairs1High, pairs2High, pairs3High, pairs4High, true);
        this.store8x2(lowA, highA, lowB, highB, c, pixelOutput, pixelOutput + <usize>channels);
        p0 += 2 * pixelStep;
        p1 += 2 * pixelStep;
        p2 += 2 * pixelStep;
        pixelOutput += <usize>(2 * channels);
      }
      if (i < count) {
        const low = taps3x3(biasLow, p0, p1, p2, tapStep, pairs0Low, pairs1Low, pairs2Low, pairs3Low, pairs4Low, false);
        const high = taps3x3(biasHigh, p0, p1, p2, tapStep, pairs0High, pairs1High, pairs2High, pairs3High, pairs4High, true);
        this.store8(low, high, c, pixelOutput);
      }
    }
    return count;
  }

  /** Scalar build: whether interior pixels can go through interiorPairs. */
  fitsInteriorPairs(): bool {
    return this.channels % 4 == 0;
  }

  /**
   * Scalar build: the first pairs of `count` output pixels of one row whose windows lie inside the
   * image horizontally (as interior3x3, any filter size), with valid filter rows [fy0, fy1); returns
   * how many pixels it wrote (count rounded down to even). Each group of 4 channels runs over the
   * pixels two at a time, which share each weight load, with the input offset folded into the bias
   * (offset times the sum of the valid taps' weights, exact in wrapping 32-bit arithmetic).
   */
  interiorPairs(image: usize, inputWidth: i32, inY0: i32, inX0: i32, fy0: i32, fy1: i32, dilationHeight: i32, dilationWidth: i32,
    strideWidth: i32, count: i32, output: usize): i32 {
    const channels = this.channels;
    const filterWidth = this.filterWidth;
    const inputOffset = this.inputOffset;
    const tapStep = <usize>(dilationWidth * channels);
    const pixelStep = <usize>(strideWidth * channels);
    const rowStep = <usize>(dilationHeight * inputWidth * channels);
    const pairs = count >> 1;
    const firstRow = image + <usize>(((inY0 + fy0 * dilationHeight) * inputWidth + inX0) * channels);
    for (let c = 0; c < channels; c += 4) {
      let b0 = load<i32>(this.bias + (<usize>c << 2)), b1 = load<i32>(this.bias + (<usize>c << 2), 4);
      let b2 = load<i32>(this.bias + (<usize>c << 2), 8), b3 = load<i32>(this.bias + (<usize>c << 2), 12);
      const firstWeights = this.filter + <usize>(fy0 * filterWidth * channels + c);
      const lastWeights = this.filter + <usize>(fy1 * filterWidth * channels + c);
      for (let w = firstWeights; w < lastWeights; w += <usize>channels) {
        b0 += inputOffset * <i32>load<i8>(w);
        b1 += inputOffset * <i32>load<i8>(w, 1);
        b2 += inputOffset * <i32>load<i8>(w, 2);
        b3 += inputOffset * <i32>load<i8>(w, 3);
      }
      let row = firstRow + <usize>c;
      let pixelOutput = output;
      for (let pair = 0; pair < pairs; pair++) {
        let a0 = b0, a1 = b1, a2 = b2, a3 = b3, e0 = b0, e1 = b1, e2 = b2, e3 = b3;
        let w = firstWeights;
        let rowStart = row;
        for (let fy = fy0; fy < fy1; fy++) {
          let x = rowStart;
          for (let fx = 0; fx < filterWidth; fx++) {
            const w0 = <i32>load<i8>(w), w1 = <i32>load<i8>(w, 1), w2 = <i32>load<i8>(w, 2), w3 = <i32>load<i8>(w, 3);
            a0 += w0 * <i32>load<i8>(x);
            a1 += w1 * <i32>load<i8>(x, 1);
            a2 += w2 * <i32>load<i8>(x, 2);
            a3 += w3 * <i32>load<i8>(x, 3);
            e0 += w0 * <i32>load<i8>(x + pixelStep);
            e1 += w1 * <i32>load<i8>(x + pixelStep, 1);
            e2 += w2 * <i32>load<i8>(x + pixelStep, 2);
            e3 += w3 * <i32>load<i8>(x + pixelStep, 3);
            w += <usize>channels;
            x += tapStep;
          }
          rowStart += rowStep;
        }
        this.store4(a0, a1, a2, a3, c, pixelOutput);
        this.store4(e0, e1, e2, e3, c, pixelOutput + <usize>channels);
        row += 2 * pixelStep;
        pixelOutput += <usize>(2 * channels);
      }
    }
    return pairs << 1;
  }

  /** Scalar build: requantizes and stores the accumulators of channels c..c+3. */
  // @ts-ignore: decorator
  @inline
  private store4(a0: i32, a1: i32, a2: i32, a3: i32, c: i32, output: usize): void {
    store<i8>(output + c, this.finish(a0, c));
    store<i8>(output + c + 1, this.finish(a1, c + 1));
    store<i8>(output + c + 2, this.finish(a2, c + 2));
    store<i8>(output + c + 3, this.finish(a3, c + 3));
  }

  /** The input row read by filter row fy for channels c..: the image's first row when fy is outside the image. */
  // @ts-ignore: decorator
  @inline
  private filterRow(image: usize, inputWidth: i32, inY0: i32, fy0: i32, fy1: i32, dilationHeight: i32, fy: i32, c: i32): usize {
    const inY = fy >= fy0 && fy < fy1 ? inY0 + fy * dilationHeight : 0;
    return image + <usize>(inY * inputWidth * this.channels + c);
  }

  /** Tap (fy, fx) of a 3x3 filter for channels c..c+7, widened to int16: zeros when filter row fy is outside the image. */
  // @ts-ignore: decorator
  @inline
  private weights(fy0: i32, fy1: i32, fy: i32, fx: i32, c: i32): v128 {
    return fy >= fy0 && fy < fy1 ? v128.load8x8_s(this.filter + <usize>((fy * 3 + fx) * this.channels + c)) : i16x8.splat(0);
  }

  /**
   * One output pixel whose window starts at input row inY0 / column inX0 (may be negative);
   * the valid taps are filter rows [fy0, fy1) and columns [fx0, fx1).
   */
  pixel(image: usize, inputWidth: i32, inY0: i32, inX0: i32, dilationHeight: i32, dilationWidth: i32,
    fy0: i32, fy1: i32, fx0: i32, fx1: i32, output: usize): void {
    const channels = this.channels;
    let c = 0;
    if (ASC_FEATURE_SIMD) {
      const offset = i16x8.splat(<i16>this.inputOffset);
      for (; c + 8 <= channels; c += 8) {
        let low = v128.load(this.bias + (<usize>c << 2));
        let high = v128.load(this.bias + (<usize>c << 2), 16);
        for (let fy = fy0; fy < fy1; fy++) {
          const rowStart = image + <usize>(((inY0 + fy * dilationHeight) * inputWidth) * channels + c);
          const filterRow = this.filter + <usize>((fy * this.filterWidth) * channels + c);
          for (let fx = fx0; fx < fx1; fx++) {
            const x = i16x8.add(v128.load8x8_s(rowStart + <usize>((inX0 + fx * dilationWidth) * channels)), offset);
            const w = v128.load8x8_s(filterRow + <usize>(fx * channels));
            low = i32x4.add(low, i32x4.extmul_low_i16x8_s(x, w));
            high = i32x4.add(high, i32x4.extmul_high_i16x8_s(x, w));
          }
        }
        this.store8(low, high, c, output);
      }
      for (; c < channels; c++) {
        let accumulator = load<i32>(this.bias + (<usize>c << 2));
        for (let fy = fy0; fy < fy1; fy++) {
          for (let fx = fx0; fx < fx1; fx++) {
            const x = <i32>load<i8>(image + <usize>(((inY0 + fy * dilationHeight) * inputWidth + inX0 + fx * dilationWidth) * channels + c));
            accumulator += <i32>load<i8>(this.filter + <usize>((fy * this.filterWidth + fx) * channels + c)) * (x + this.inputOffset);
          }
        }
        store<i8>(output + c, this.finish(accumulator, c));
      }
      return;
    }
    // Scalar build: 4 channels at a time in registers, then one at a time.
    const inputOffset = this.inputOffset;
    for (; c < channels; c += 4) {
      const count = min(4, channels - c);
      let a0 = load<i32>(this.bias + (<usize>c << 2));
      let a1 = count > 1 ? load<i32>(this.bias + (<usize>(c + 1) << 2)) : 0;
      let a2 = count > 2 ? load<i32>(this.bias + (<usize>(c + 2) << 2)) : 0;
      let a3 = count > 3 ? load<i32>(this.bias + (<usize>(c + 3) << 2)) : 0;
      for (let fy = fy0; fy < fy1; fy++) {
        const rowStart = image + <usize>(((inY0 + fy * dilationHeight) * inputWidth) * channels + c);
        const filterRow = this.filter + <usize>((fy * this.filterWidth) * channels + c);
        for (let fx = fx0; fx < fx1; fx++) {
          const x = rowStart + <usize>((inX0 + fx * dilationWidth) * channels);
          const w = filterRow + <usize>(fx * channels);
          a0 += <i32>load<i8>(w) * (<i32>load<i8>(x) + inputOffset);
          if (count < 4) {
            if (count > 1) a1 += <i32>load<i8>(w + 1) * (<i32>load<i8>(x + 1) + inputOffset);
            if (count > 2) a2 += <i32>load<i8>(w + 2) * (<i32>load<i8>(x + 2) + inputOffset);
            continue;
          }
          a1 += <i32>load<i8>(w + 1) * (<i32>load<i8>(x + 1) + inputOffset);
          a2 += <i32>load<i8>(w + 2) * (<i32>load<i8>(x + 2) + inputOffset);
          a3 += <i32>load<i8>(w + 3) * (<i32>load<i8>(x + 3) + inputOffset);
        }
      }
      store<i8>(output + c, this.finish(a0, c));
      if (count > 1) store<i8>(output + c + 1, this.finish(a1, c + 1));
      if (count > 2) store<i8>(output + c + 2, this.finish(a2, c + 2));
      if (count > 3) store<i8>(output + c + 3, this.finish(a3, c + 3));
    }
  }
}

/** Lanes 0-3 of two int16 vectors interleaved, a0 b0 a1 b1 a2 b2 a3 b3 (lanes 4-7 when `high`). */
// @ts-ignore: decorator
@inline
function interleave(a: v128, b: v128, high: bool): v128 {
  return high
    ? i8x16.shuffle(a, b, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31)
    : i8x16.shuffle(a, b, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23);
}

/**
 * Channels 0-3 of a block (4-7 when `high`): the bias plus the nine taps of the window whose
 * filter rows read from p0, p1 and p2.
 */
// @ts-ignore: decorator
@inline
function taps3x3(bias: v128, p0: usize, p1: usize, p2: usize, tapStep: usize, pairs0: v128, pairs1: v128, pairs2: v128, pairs3: v128, pairs4: v128, high: bool): v128 {
  const x00 = v128.load8x8_s(p0), x01 = v128.load8x8_s(p0 + tapStep), x02 = v128.load8x8_s(p0 + 2 * tapStep);
  const x10 = v128.load8x8_s(p1), x11 = v128.load8x8_s(p1 + tapStep), x12 = v128.load8x8_s(p1 + 2 * tapStep);
  const x20 = v128.load8x8_s(p2), x21 = v128.load8x8_s(p2 + tapStep), x22 = v128.load8x8_s(p2 + 2 * tapStep);
  return i32x4.add(i32x4.add(i32x4.add(bias, i32x4.dot_i16x8_s(interleave(x00, x10, high), pairs0)),
    i32x4.add(i32x4.dot_i16x8_s(interleave(x01, x11, high), pairs1), i32x4.dot_i16x8_s(interleave(x02, x12, high), pairs2))),
    i32x4.add(i32x4.dot_i16x8_s(interleave(x20, x21, high), pairs3), i32x4.dot_i16x8_s(interleave(x22, i16x8.splat(0), high), pairs4)));
}
