// int8 matrix products for CONV_2D (over im2col rows or 1x1 pixels) and FULLY_CONNECTED: every
// input row of `depth` int8 values times every filter row (one per output channel). The input
// offset is folded into the bias (foldInputOffset: sum over k of w * (x + offset) = sum of w * x +
// offset * sum of w, exact in 32-bit wrapping arithmetic), so the inner loop is a plain dot
// product. Both builds give the same bytes as TFLite's reference loops.
//
// Scalar build: 4 rows x 4 channels per step (1 row for a last single row), reading the filter in
// place in its TFLite layout. Two rows share each 64-bit multiply (see rows4).
// SIMD build: 4 rows x 8 channels per step. The filter is packed once at prepare into depth
// pairs of int16, [channel block of 8][depth pair][channel][2] (twice the filter's size, padded
// to 8 channels and an even depth), and each block of 4 input rows is widened to int16 once, so
// that i32x4.dot_i16x8_s of a depth pair of one input row, repeated in all lanes by one 32-bit
// splat, with 4 channels' weight pairs adds straight into 4 channel lanes: no horizontal sums,
// and the lanes go to the 4-channel requantization as they are.

import { clamp, multiplyByQuantizedMultiplier, multiplyByQuantizedMultiplierSingleRounding, roundsOnce } from "../quant";
import { allZero, RequantizeSingleX4, requantizeSingleX4For, RequantizeX4, requantizeX4For, requantizedBytes16, requantizedBytes8, simplifyConstantChannel } from "./requantize_x4";

const BLOCK_CHANNELS: i32 = 8;
const BLOCK_ROWS: i32 = 4;
/** The scalar build pairs two rows in 64-bit products up to this depth (exclusive): 2^17. */
const MAX_PAIRED_DEPTH: i32 = 1 << 17;

/** Channels rounded up to whole blocks of the SIMD product. */
export function paddedChannels(channels: i32): i32 {
  return (channels + BLOCK_CHANNELS - 1) & ~(BLOCK_CHANNELS - 1);
}

/**
 * Writes bias[c] + inputOffset * sum_k filter[c][k] for each output channel at `destination`
 * (i32, zero up to paddedChannels); `bias` may be 0 (none).
 */
export function foldInputOffset(destination: usize, filter: usize, depth: i32, channels: i32, bias: usize, inputOffset: i32): void {
  for (let c = 0; c < channels; c++) {
    const row = filter + <usize>(c * depth);
    let sum: i32 = 0;
    for (let k = 0; k < depth; k++) sum += <i32>load<i8>(row + k);
    store<i32>(destination + (<usize>c << 2), (bias != 0 ? load<i32>(bias + (<usize>c << 2)) : 0) + inputOffset * sum);
  }
  memory.fill(destination + (<usize>channels << 2), 0, <usize>(paddedChannels(channels) - channels) << 2);
}

/** Everything a product needs besides the input rows. */
export class GemmInt8 {
  filter: usize = 0;
  depth: i32 = 0;
  channels: i32 = 0;
  /**
   * Per channel (i32): the bias, multiplier and shift; set before prepare() in the SIMD build and
   * before every run() in the scalar build. The bias has the input offset folded in
   * (foldInputOffset, padded to whole blocks), except in a scalar product of single rows: there
   * folding would take as long as the product (a pass over the filter at every eval, see
   * kernels/channel_quantization.ts), so the bias is the model's (0: none) and inputOffset is
   * added to each input value instead (it is 0 when the bias is folded).
   */
  bias: usize = 0;
  multipliers: usize = 0;
  shifts: usize = 0;
  inputOffset: i32 = 0;
  outputOffset: i32 = 0;
  outputMin: i32 = 0;
  outputMax: i32 = 0;
  /** FULLY_CONNECTED's reference rounds once; CONV_2D's twice unless the model asks for once (see quant.ts). */
  singleRounding: bool = false;
  /** SIMD build: the filter in int16 depth pairs. */
  packedFilter!: StaticArray<i16>;
  /**
   * SIMD build: the current block of 4 input rows widened to int16 (depth rounded up to 8), so
   * that one 32-bit splat loads a depth pair for all lanes.
   */
  widenedRows!: StaticArray<i16>;
  /** The most input rows run() gets (0: only runWidened is used): the SIMD build widens up to 4 of them at a time. */
  inputRows: i32 = BLOCK_ROWS;
  /** SIMD build: the 4-channel requantization in the product's rounding (neither: lane by lane, see requantizeX4For). */
  requantizeX4: RequantizeX4 | null = null;
  requantizeSingleX4: RequantizeSingleX4 | null = null;

  /** SIMD build, once the fields are set: packs the filter and prepares the requantization. */
  prepare(): void {
    if (!ASC_FEATURE_SIMD) return;
    const singleRounding = this.singleRounding || roundsOnce();
    for (let c = 0; c < this.channels; c++) {
      if (allZero(this.filter + <usize>(c * this.depth), 1, this.depth)) simplifyConstantChannel(this.multipliers, this.shifts, c, this.biasOf(c), singleRounding);
    }
    if (singleRounding) {
      this.requantizeSingleX4 = requantizeSingleX4For(this.multipliers, this.shifts, this.channels, this.outputOffset, this.outputMin, this.outputMax);
    } else {
      this.requantizeX4 = requantizeX4For(this.multipliers, this.shifts, this.channels, this.outputOffset, this.outputMin, this.outputMax);
    }
    const pairs = (this.depth + 1) >> 1;
    const packed = new StaticArray<i16>(paddedChannels(this.channels) * pairs * 2);
    for (let c = 0; c < this.channels; c++) {
      const block = c / BLOCK_CHANNELS;
      const lane = c % BLOCK_CHANNELS;
      for (let k = 0; k < this.depth; k++) {
        packed[((block * pairs + (k >> 1)) * BLOCK_CHANNELS + lane) * 2 + (k & 1)] = load<i8>(this.filter + <usize>(c * this.depth + k));
      }
    }
    this.packedFilter = packed;
    this.widenedRows = new StaticArray<i16>(min(BLOCK_ROWS, this.inputRows) * this.widenedRowLength());
  }

  /** SIMD build: int16 values per widened row. */
  // @ts-ignore: decorator
  @inline
  private widenedRowLength(): i32 {
    return (this.depth + 7) & ~7;
  }

  /**
   * SIMD build: widens the input row at `row` into widened row `slot` and returns where that is.
   * It reads up to 7 bytes past the row (the arena and the im2col scratch keep room after their
   * ends); values past the depth meet zero weights.
   */
  private widenRow(row: usize, slot: i32): usize {
    const length = this.widenedRowLength();
    const widened = changetype<usize>(this.widenedRows) + (<usize>(slot * length) << 1);
    for (let k = 0; k < length; k += 8) v128.store(widened + (<usize>k << 1), v128.load8x8_s(row + <usize>k));
    return widened;
  }

  // @ts-ignore: decorator
  @inline
  private biasOf(channel: i32): i32 {
    return this.bias != 0 ? load<i32>(this.bias + (<usize>channel << 2)) : 0;
  }

  // @ts-ignore: decorator
  @inline
  private finish(accumulator: i32, channel: i32): i8 {
    const multiplier = load<i32>(this.multipliers + (<usize>channel << 2));
    const shift = load<i32>(this.shifts + (<usize>channel << 2));
    const value = this.singleRounding
      ? multiplyByQuantizedMultiplierSingleRounding(accumulator, multiplier, shift)
      : multiplyByQuantizedMultiplier(accumulator, multiplier, shift);
    return <i8>clamp(value + this.outputOffset, this.outputMin, this.outputMax);
  }

  /** Writes rows x channels int8 outputs; input row r starts at input + r * inputStride. */
  run(input: usize, inputStride: i32, rows: i32, output: usize): void {
    if (ASC_FEATURE_SIMD) {
      this.runRows(input, inputStride, rows, output, false);
      return;
    }
    const stride = <usize>inputStride;
    const outputStride = <usize>this.channels;
    let row = 0;
    // Paired rows need the first row's exact sum to fit 32 bits: |x * w| <= 2^14 per weight.
    if (this.depth < MAX_PAIRED_DEPTH) {
      for (; row + 1 < rows; row += 4) {
        // A last block of 2 or 3 rows repeats its last row: storing it again is harmless.
        const row1 = row + 1;
        const row2 = min(row + 2, rows - 1);
        const row3 = min(row + 3, rows - 1);
        this.rows4(input + <usize>row * stride, input + <usize>row1 * stride, input + <usize>row2 * stride, input + <usize>row3 * stride,
          output + <usize>row * outputStride, output + <usize>row1 * outputStride, output + <usize>row2 * outputStride, output + <usize>row3 * outputStride);
      }
    }
    for (; row < rows; row++) this.row1(input + <usize>row * stride, output + <usize>row * outputStride);
  }

  /**
   * SIMD build: run() over input rows already widened to int16 (im2col writes them so), row r at
   * input + 2 * r * inputStride. A row is read up to its depth rounded up to even.
   */
  runWidened(input: usize, inputStride: i32, rows: i32, output: usize): void {
    this.runRows(input, inputStride, rows, output, true);
  }

  /** SIMD build: blocks of 4 rows (widened here unless `widened`) against every block of channels. */
  private runRows(input: usize, inputStride: i32, rows: i32, output: usize, widened: bool): void {
    const rowBytes = <usize>inputStride << (widened ? 1 : 0);
    for (let row = 0; row < rows; row += BLOCK_ROWS) {
      // A last block of fewer rows points its missing rows at its first row and skips their work.
      const count = min(BLOCK_ROWS, rows - row);
      const first = input + <usize>row * rowBytes;
      const x0 = widened ? first : this.widenRow(first, 0);
      const x1 = count < 2 ? x0 : widened ? first + rowBytes : this.widenRow(first + rowBytes, 1);
      const x2 = count < 3 ? x0 : widened ? first + 2 * rowBytes : this.widenRow(first + 2 * rowBytes, 2);
      const x3 = count < 4 ? x0 : widened ? first + 3 * rowBytes : this.widenRow(first + 3 * rowBytes, 3);
      const row1 = count > 1 ? row + 1 : row;
      const row2 = count > 2 ? row + 2 : row;
      const row3 = count > 3 ? row + 3 : row;
      let block = 0;
      // A single row (a batch-1 fully connected layer) streams the weights: two blocks per step share its loads.
      if (count == 1) {
        for (; block + 2 * BLOCK_CHANNELS <= this.channels; block += 2 * BLOCK_CHANNELS) {
          this.row1x16(x0, block, output + <usize>(row * this.channels));
        }
      }
      for (; block < this.channels; block += BLOCK_CHANNELS) {
        this.block4x8(count, x0, x1, x2, x3, block,
          output + <usize>(row * this.channels), output + <usize>(row1 * this.channels),
          output + <usize>(row2 * this.channels), output + <usize>(row3 * this.channels));
      }
    }
  }

  /** One input row against every filter row, 4 channels at a time (scalar build: single rows, a last single row, or a very deep product). */
  private row1(x: usize, y: usize): void {
    const depth = this.depth;
    const channels = this.channels;
    const inputOffset = this.inputOffset;
    let c = 0;
    for (; c + 4 <= channels; c += 4) {
      const w0 = this.filter + <usize>(c * depth);
      const w1 = w0 + <usize>depth;
      const w2 = w1 + <usize>depth;
      const w3 = w2 + <usize>depth;
      let a0: i32 = 0, a1: i32 = 0, a2: i32 = 0, a3: i32 = 0;
      for (let k = 0; k < depth; k++) {
        const u = <i32>load<i8>(x + k) + inputOffset;
        a0 += u * <i32>load<i8>(w0 + k);
        a1 += u * <i32>load<i8>(w1 + k);
        a2 += u * <i32>load<i8>(w2 + k);
        a3 += u * <i32>load<i8>(w3 + k);
      }
      this.store4(a0, a1, a2, a3, c, y);
    }
    this.rowTail(x, y, c);
  }

  /** One input row against the filter rows from `first` on, one at a time (scalar build). */
  private rowTail(x: usize, y: usize, first: i32): void {
    const depth = this.depth;
    for (let c = first; c < this.channels; c++) {
      const w = this.filter + <usize>(c * depth);
      let a: i32 = 0;
      for (let k = 0; k < depth; k++) a += (<i32>load<i8>(x + k) + this.inputOffset) * <i32>load<i8>(w + k);
      store<i8>(y + c, this.finish(a + this.biasOf(c), c));
    }
  }

  /**
   * Four input rows against every filter row, 4 channels at a time (scalar build). Two rows share
   * each multiply: x0 + x1 * 2^32 times a weight is x0 * w + x1 * w * 2^32 in one 64-bit product,
   * and the 64-bit sums split back into the two rows' 32-bit sums exactly (splitLow, splitHigh).
   */
  private rows4(x0: usize, x1: usize, x2: usize, x3: usize, y0: usize, y1: usize, y2: usize, y3: usize): void {
    const depth = this.depth;
    const channels = this.channels;
    let c = 0;
    for (; c + 4 <= channels; c += 4) {
      const w0 = this.filter + <usize>(c * depth);
      const w1 = w0 + <usize>depth;
      const w2 = w1 + <usize>depth;
      const w3 = w2 + <usize>depth;
      let p0: i64 = 0, p1: i64 = 0, p2: i64 = 0, p3: i64 = 0;
      let q0: i64 = 0, q1: i64 = 0, q2: i64 = 0, q3: i64 = 0;
      for (let k = 0; k < depth; k++) {
        const first = <i64>load<i8>(x0 + k) + (<i64>load<i8>(x1 + k) << 32);
        const second = <i64>load<i8>(x2 + k) + (<i64>load<i8>(x3 + k) << 32);
        let w = <i64>load<i8>(w0 + k);
        p0 += first * w;
        q0 += second * w;
        w = <i64>load<i8>(w1 + k);
        p1 += first * w;
        q1 += second * w;
        w = <i64>load<i8>(w2 + k);
        p2 += first * w;
        q2 += second * w;
        w = <i64>load<i8>(w3 + k);
        p3 += first * w;
        q3 += second * w;
      }
      this.store4(splitLow(p0), splitLow(p1), splitLow(p2), splitLow(p3), c, y0);
      this.store4(splitHigh(p0), splitHigh(p1), splitHigh(p2), splitHigh(p3), c, y1);
      this.store4(splitLow(q0), splitLow(q1), splitLow(q2), splitLow(q3), c, y2);
      this.store4(splitHigh(q0), splitHigh(q1), splitHigh(q2), splitHigh(q3), c, y3);
    }
    this.rowTail(x0, y0, c);
    this.rowTail(x1, y1, c);
    this.rowTail(x2, y2, c);
    this.rowTail(x3, y3, c);
  }

  // @ts-ignore: decorator
  @inline
  private store4(a0: i32, a1: i32, a2: i32, a3: i32, c: i32, output: usize): void {
    store<i8>(output + c, this.finish(a0 + this.biasOf(c), c));
    store<i8>(output + c + 1, this.finish(a1 + this.biasOf(c + 1), c + 1));
    store<i8>(output + c + 2, this.finish(a2 + this.biasOf(c + 2), c + 2));
    store<i8>(output + c + 3, this.finish(a3 + this.biasOf(c + 3), c + 3));
  }

  /**
   * Up to four widened input rows (`count`) against the 8 channels from `block` (SIMD build).
   */
  private block4x8(count: i32, x0: usize, x1: usize, x2: usize, x3: usize, block: i32, y0: usize, y1: usize, y2: usize, y3: usize): void {
    const pairs = (this.depth + 1) >> 1;
    let weights = changetype<usize>(this.packedFilter) + (<usize>(block * pairs) << 2);
    const bias = this.bias + (<usize>block << 2);
    const biasLow = v128.load(bias);
    const biasHigh = v128.load(bias, 16);
    let a0 = biasLow, b0 = biasHigh, a1 = biasLow, b1 = biasHigh;
    let a2 = biasLow, b2 = biasHigh, a3 = biasLow, b3 = biasHigh;
    for (let k = 0; k < pairs; k++) {
      const low = v128.load(weights);
      const high = v128.load(weights, 16);
      weights += 32;
      const offset = <usize>(k << 2);
      let x = v128.load32_splat(x0 + offset);
      a0 = i32x4.add(a0, i32x4.dot_i16x8_s(x, low));
      b0 = i32x4.add(b0, i32x4.dot_i16x8_s(x, high));
      if (count == 1) continue;
      x = v128.load32_splat(x1 + offset);
      a1 = i32x4.add(a1, i32x4.dot_i16x8_s(x, low));
      b1 = i32x4.add(b1, i32x4.dot_i16x8_s(x, high));
      x = v128.load32_splat(x2 + offset);
      a2 = i32x4.add(a2, i32x4.dot_i16x8_s(x, low));
      b2 = i32x4.add(b2, i32x4.dot_i16x8_s(x, high));
      x = v128.load32_splat(x3 + offset);
      a3 = i32x4.add(a3, i32x4.dot_i16x8_s(x, low));
      b3 = i32x4.add(b3, i32x4.dot_i16x8_s(x, high));
    }
    if (count == 1) {
      this.store8(a0, b0, block, y0);
      return;
    }
    // Rows 2 and 3 of a block of 2 or 3 repeat earlier rows: storing them again is harmless.
    this.store8x2(a0, b0, a1, b1, block, y0, y1);
    this.store8x2(a2, b2, a3, b3, block, y2, y3);
  }

  /** One widened input row against the 16 channels from `block` (two whole blocks; SIMD build). */
  private row1x16(x: usize, block: i32, y: usize): void {
    const pairs = (this.depth + 1) >> 1;
    const blockBytes = <usize>(pairs * BLOCK_CHANNELS * 4);
    let weights = changetype<usize>(this.packedFilter) + (<usize>(block * pairs) << 2);
    const bias = this.bias + (<usize>block << 2);
    let a0 = v128.load(bias), b0 = v128.load(bias, 16), a1 = v128.load(bias, 32), b1 = v128.load(bias, 48);
    for (let k = 0; k < pairs; k++) {
      const firstLow = v128.load(weights), firstHigh = v128.load(weights, 16);
      const second = weights + blockBytes;
      weights += 32;
      const pair = v128.load32_splat(x + (<usize>k << 2));
      a0 = i32x4.add(a0, i32x4.dot_i16x8_s(pair, firstLow));
      b0 = i32x4.add(b0, i32x4.dot_i16x8_s(pair, firstHigh));
      a1 = i32x4.add(a1, i32x4.dot_i16x8_s(pair, v128.load(second)));
      b1 = i32x4.add(b1, i32x4.dot_i16x8_s(pair, v128.load(second, 16)));
    }
    this.store8(a0, b0, block, y);
    this.store8(a1, b1, block + BLOCK_CHANNELS, y);
  }

  /** store8 of two rows, which share the requantization's parameters and narrowing when the block is whole. */
  // @ts-ignore: decorator
  @inline
  private store8x2(lowA: v128, highA: v128, lowB: v128, highB: v128, block: i32, outputA: usize, outputB: usize): void {
    if (this.channels - block >= BLOCK_CHANNELS) {
      const double = this.requantizeX4;
      const single = this.requantizeSingleX4;
      if (double != null || single != null) {
        const bytes = double != null ? requantizedBytes16<RequantizeX4>(double, lowA, highA, lowB, highB, block) : requantizedBytes16<RequantizeSingleX4>(changetype<RequantizeSingleX4>(single), lowA, highA, lowB, highB, block);
        v128.store64_lane(outputA + block, bytes, 0);
        v128.store64_lane(outputB + block, bytes, 1);
        return;
      }
    }
    this.store8(lowA, highA, block, outputA);
    this.store8(lowB, highB, block, outputB);
  }

  /** Requantizes channels block..block+7 of one row and stores those that exist. */
  // @ts-ignore: decorator
  @inline
  private store8(low: v128, high: v128, block: i32, output: usize): void {
    const valid = this.channels - block;
    if (valid >= BLOCK_CHANNELS) {
      const double = this.requantizeX4;
      const single = this.requantizeSingleX4;
      if (double != null || single != null) {
        v128.store64_lane(output + block, double != null ? requantizedBytes8<RequantizeX4>(double, low, high, block) : requantizedBytes8<RequantizeSingleX4>(changetype<RequantizeSingleX4>(single), low, high, block), 0);
        return;
      }
    }
    const count = min(valid, BLOCK_CHANNELS);
    for (let lane = 0; lane < count; lane++) {
      const accumulator = lane < 4 ? extractLane(low, lane) : extractLane(high, lane - 4);
      store<i8>(output + block + lane, this.finish(accumulator, block + lane));
    }
  }
}

/** The first row's sum of a pair of sums: the low 32 bits (wrapping, as the reference's int32 sums). */
// @ts-ignore: decorator
@inline
function splitLow(pair: i64): i32 {
  return <i32>pair;
}

/** The second row's sum: what lies above the first row's sum, sign extended. */
// @ts-ignore: decorator
@inline
function splitHigh(pair: i64): i32 {
  return <i32>((pair - <i64><i32>pair) >> 32);
}

// @ts-ignore: decorator
@inline
function extractLane(vector: v128, lane: i32): i32 {
  switch (lane) {
    case 0: return i32x4.extract_lane(vector, 0);
    case 1: return i32x4.extract_lane(vector, 1);
    case 2: return i32x4.extract_lane(vector, 2);
    default: return i32x4.extract_lane(vector, 3);
  }
}
