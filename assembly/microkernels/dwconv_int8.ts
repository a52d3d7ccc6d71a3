// int8 depthwise convolution with depth multiplier 1, the shape of every depthwise layer in
// MobileNet-style models. Channels are the inner loop: each output pixel accumulates its valid
// taps (taps that fall into padding are skipped, as in the reference) over contiguous
// channels. The SIMD build keeps 8 channels in two i32x4 accumulators per step; the scalar build
// keeps 4 channels in registers.

import { clamp, multiplyByQuantizedMultiplier, roundsOnce } from "../quant";
import { RequantizeX4 } from "./requantize_x4";

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
  /** The SIMD build's four-channel requantization (double rounding only: lane by lane otherwise). */
  requantizeX4: RequantizeX4 | null = null;

  /** Call once the fields are set. */
  prepare(): void {
    if (ASC_FEATURE_SIMD && !roundsOnce()) {
      this.requantizeX4 = new RequantizeX4(this.multipliers, this.shifts, this.channels, this.outputOffset, this.outputMin, this.outputMax);
    }
  }

  // @ts-ignore: decorator
  @inline
  private finish(accumulator: i32, channel: i32): i8 {
    const value = multiplyByQuantizedMultiplier(accumulator, load<i32>(this.multipliers + (<usize>channel << 2)), load<i32>(this.shifts + (<usize>channel << 2)));
    return <i8>clamp(value + this.outputOffset, this.outputMin, this.outputMax);
  }

  /** Requantizes the accumulators of channels c..c+3 one by one (the single-rounding mode). */
  private storeLanes(accumulators: v128, c: i32, output: usize): void {
    store<i8>(output + c, this.finish(i32x4.extract_lane(accumulators, 0), c));
    store<i8>(output + c + 1, this.finish(i32x4.extract_lane(accumulators, 1), c + 1));
    store<i8>(output + c + 2, this.finish(i32x4.extract_lane(accumulators, 2), c + 2));
    store<i8>(output + c + 3, this.finish(i32x4.extract_lane(accumulators, 3), c + 3));
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
        const requantizeX4 = this.requantizeX4;
        if (requantizeX4 != null) {
          const bytes = i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(requantizeX4.apply(low, c), requantizeX4.apply(high, c + 4)), i32x4.splat(0));
          v128.store64_lane(output + c, bytes, 0);
        } else {
          this.storeLanes(low, c, output);
          this.storeLanes(high, c + 4, output);
        }
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
