// int8 matrix products for CONV_2D (over im2col rows or 1x1 pixels) and FULLY_CONNECTED.
// The filter is read in place, in its TFLite layout: one row of `depth` int8 weights per
// output channel. Each input row is multiplied with every filter row; the input offset is
// folded into the bias at prepare (sum over k of w * (x + offset) = sum of w * x + offset *
// sum of w, exact in 32-bit wrapping arithmetic), so the inner loop is a plain dot product.
// The SIMD build computes 2 rows x 4 channels per step with 8-lane int16 dot products; the
// scalar build 1 row x 4 channels. Both give the same bytes as TFLite's reference loops.

import { clamp, multiplyByQuantizedMultiplier, multiplyByQuantizedMultiplierSingleRounding } from "../quant";
import { RequantizeX4 } from "./requantize_x4";

/** Everything a product needs besides the input rows: prepared once per operator. */
export class GemmInt8 {
  filter: usize = 0;
  depth: i32 = 0;
  channels: i32 = 0;
  /** bias[c] + inputOffset * sum_k filter[c][k] for each output channel. */
  foldedBias: StaticArray<i32> = [];
  multipliers: StaticArray<i32> = [];
  shifts: StaticArray<i32> = [];
  outputOffset: i32 = 0;
  outputMin: i32 = 0;
  outputMax: i32 = 0;
  /** FULLY_CONNECTED's reference rounds once; CONV_2D's twice (see quant.ts). */
  singleRounding: bool = false;
  /** The SIMD build's four-channel requantization (double rounding only). */
  requantizeX4: RequantizeX4 | null = null;

  /** Call once the fields are set: folds the input offset into the bias (bias may be 0: none). */
  prepare(bias: usize, inputOffset: i32): void {
    if (ASC_FEATURE_SIMD && !this.singleRounding) {
      this.requantizeX4 = new RequantizeX4(this.multipliers, this.shifts, this.outputOffset, this.outputMin, this.outputMax);
    }
    const folded = new StaticArray<i32>(this.channels);
    for (let c = 0; c < this.channels; c++) {
      const row = this.filter + <usize>(c * this.depth);
      let sum: i32 = 0;
      for (let k = 0; k < this.depth; k++) sum += <i32>load<i8>(row + k);
      folded[c] = (bias != 0 ? load<i32>(bias + (<usize>c << 2)) : 0) + inputOffset * sum;
    }
    this.foldedBias = folded;
  }

  // @ts-ignore: decorator
  @inline
  private finish(accumulator: i32, channel: i32): i8 {
    const value = this.singleRounding
      ? multiplyByQuantizedMultiplierSingleRounding(accumulator, unchecked(this.multipliers[channel]), unchecked(this.shifts[channel]))
      : multiplyByQuantizedMultiplier(accumulator, unchecked(this.multipliers[channel]), unchecked(this.shifts[channel]));
    return <i8>clamp(value + this.outputOffset, this.outputMin, this.outputMax);
  }

  /** Writes rows x channels int8 outputs; input row r starts at input + r * inputStride. */
  run(input: usize, inputStride: i32, rows: i32, output: usize): void {
    if (ASC_FEATURE_SIMD) {
      for (let row = 0; row < rows; row += 2) {
        // An odd last row is paired with itself: twice the work on one row, still 8 lanes a step.
        const next = min(row + 1, rows - 1);
        this.rows2(input + <usize>(row * inputStride), input + <usize>(next * inputStride),
          output + <usize>(row * this.channels), output + <usize>(next * this.channels));
      }
      return;
    }
    for (let row = 0; row < rows; row++) this.row1(input + <usize>(row * inputStride), output + <usize>(row * this.channels));
  }

  /** One input row against every filter row, 4 channels at a time. */
  private row1(input: usize, output: usize): void {
    const depth = this.depth;
    const channels = this.channels;
    let c = 0;
    for (; c + 4 <= channels; c += 4) {
      const w0 = this.filter + <usize>(c * depth);
      const w1 = w0 + <usize>depth;
      const w2 = w1 + <usize>depth;
      const w3 = w2 + <usize>depth;
      let a0: i32 = 0, a1: i32 = 0, a2: i32 = 0, a3: i32 = 0;
      for (let k = 0; k < depth; k++) {
        const x = <i32>load<i8>(input + k);
        a0 += x * <i32>load<i8>(w0 + k);
        a1 += x * <i32>load<i8>(w1 + k);
        a2 += x * <i32>load<i8>(w2 + k);
        a3 += x * <i32>load<i8>(w3 + k);
      }
      store<i8>(output + c, this.finish(a0 + unchecked(this.foldedBias[c]), c));
      store<i8>(output + c + 1, this.finish(a1 + unchecked(this.foldedBias[c + 1]), c + 1));
      store<i8>(output + c + 2, this.finish(a2 + unchecked(this.foldedBias[c + 2]), c + 2));
      store<i8>(output + c + 3, this.finish(a3 + unchecked(this.foldedBias[c + 3]), c + 3));
    }
    this.rowTail(input, output, c);
  }

  /** Two input rows against every filter row, 4 channels and 8 depths per SIMD step. */
  private rows2(input0: usize, input1: usize, output0: usize, output1: usize): void {
    const depth = this.depth;
    const channels = this.channels;
    const depth8 = depth & ~7;
    let c = 0;
    for (; c + 4 <= channels; c += 4) {
      const w0 = this.filter + <usize>(c * depth);
      const w1 = w0 + <usize>depth;
      const w2 = w1 + <usize>depth;
      const w3 = w2 + <usize>depth;
      let s00 = i32x4.splat(0), s01 = i32x4.splat(0), s02 = i32x4.splat(0), s03 = i32x4.splat(0);
      let s10 = i32x4.splat(0), s11 = i32x4.splat(0), s12 = i32x4.splat(0), s13 = i32x4.splat(0);
      for (let k = 0; k < depth8; k += 8) {
        const x0 = v128.load8x8_s(input0 + k);
        const x1 = v128.load8x8_s(input1 + k);
        let w = v128.load8x8_s(w0 + k);
        s00 = i32x4.add(s00, i32x4.dot_i16x8_s(x0, w));
        s10 = i32x4.add(s10, i32x4.dot_i16x8_s(x1, w));
        w = v128.load8x8_s(w1 + k);
        s01 = i32x4.add(s01, i32x4.dot_i16x8_s(x0, w));
        s11 = i32x4.add(s11, i32x4.dot_i16x8_s(x1, w));
        w = v128.load8x8_s(w2 + k);
        s02 = i32x4.add(s02, i32x4.dot_i16x8_s(x0, w));
        s12 = i32x4.add(s12, i32x4.dot_i16x8_s(x1, w));
        w = v128.load8x8_s(w3 + k);
        s03 = i32x4.add(s03, i32x4.dot_i16x8_s(x0, w));
        s13 = i32x4.add(s13, i32x4.dot_i16x8_s(x1, w));
      }
      let sums0 = i32x4.add(horizontalSums(s00, s01, s02, s03), v128.load(changetype<usize>(this.foldedBias) + (<usize>c << 2)));
      let sums1 = i32x4.add(horizontalSums(s10, s11, s12, s13), v128.load(changetype<usize>(this.foldedBias) + (<usize>c << 2)));
      for (let k = depth8; k < depth; k++) {
        const x0 = <i32>load<i8>(input0 + k);
        const x1 = <i32>load<i8>(input1 + k);
        const w = i32x4(<i32>load<i8>(w0 + k), <i32>load<i8>(w1 + k), <i32>load<i8>(w2 + k), <i32>load<i8>(w3 + k));
        sums0 = i32x4.add(sums0, i32x4.mul(w, i32x4.splat(x0)));
        sums1 = i32x4.add(sums1, i32x4.mul(w, i32x4.splat(x1)));
      }
      const requantizeX4 = this.requantizeX4;
      if (requantizeX4 != null) {
        const bytes = i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(requantizeX4.apply(sums0, c), requantizeX4.apply(sums1, c)), i32x4.splat(0));
        v128.store32_lane(output0 + c, bytes, 0);
        v128.store32_lane(output1 + c, bytes, 1);
        continue;
      }
      store<i8>(output0 + c, this.finish(i32x4.extract_lane(sums0, 0), c));
      store<i8>(output0 + c + 1, this.finish(i32x4.extract_lane(sums0, 1), c + 1));
      store<i8>(output0 + c + 2, this.finish(i32x4.extract_lane(sums0, 2), c + 2));
      store<i8>(output0 + c + 3, this.finish(i32x4.extract_lane(sums0, 3), c + 3));
      store<i8>(output1 + c, this.finish(i32x4.extract_lane(sums1, 0), c));
      store<i8>(output1 + c + 1, this.finish(i32x4.extract_lane(sums1, 1), c + 1));
      store<i8>(output1 + c + 2, this.finish(i32x4.extract_lane(sums1, 2), c + 2));
      store<i8>(output1 + c + 3, this.finish(i32x4.extract_lane(sums1, 3), c + 3));
    }
    // Fewer than 4 channels left: one at a time.
    this.rowTail(input0, output0, c);
    this.rowTail(input1, output1, c);
  }

  private rowTail(input: usize, output: usize, firstChannel: i32): void {
    const depth = this.depth;
    for (let c = firstChannel; c < this.channels; c++) {
      const w = this.filter + <usize>(c * depth);
      let a: i32 = 0;
      for (let k = 0; k < depth; k++) a += <i32>load<i8>(input + k) * <i32>load<i8>(w + k);
      store<i8>(output + c, this.finish(a + unchecked(this.foldedBias[c]), c));
    }
  }
}

/** [sum(a), sum(b), sum(c), sum(d)] of four i32x4 vectors. */
// @ts-ignore: decorator
@inline
function horizontalSums(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = i32x4.add(i32x4.shuffle(a, b, 0, 4, 2, 6), i32x4.shuffle(a, b, 1, 5, 3, 7));
  const cd = i32x4.add(i32x4.shuffle(c, d, 0, 4, 2, 6), i32x4.shuffle(c, d, 1, 5, 3, 7));
  return i32x4.add(i32x4.shuffle(ab, cd, 0, 1, 4, 5), i32x4.shuffle(ab, cd, 2, 3, 6, 7));
}
