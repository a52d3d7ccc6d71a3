// AssemblyScript, compiled by bench/roofline.ts (not part of the engine): the fastest int8 dot
// products this machine's WebAssembly runs, as a ceiling to judge the kernels' GMAC/s by.
//
// Two loops per instruction set. `stream` is one long dot product: every multiply needs two
// fresh loads, as in a depthwise convolution or a fully connected layer of batch 1. `tile` is
// 4 rows against 4 columns, the register blocking of a GEMM: each load feeds four dot products,
// so it measures the multiply throughput. The SIMD loops widen int8 to int16 with
// v128.load8x8_s and multiply-add 8 lanes with i32x4.dot_i16x8_s; the scalar loops use only
// WebAssembly 1.0 instructions. Several accumulators keep the additions independent.

/** Bytes of each operand row; 4 rows of each operand stay in the L1 cache. */
export const DEPTH: i32 = 1024;
/** Bytes of each operand of `stream`. */
export const STREAM_LENGTH: i32 = 4 * DEPTH;

const left: usize = memory.data(STREAM_LENGTH, 16);
const right: usize = memory.data(STREAM_LENGTH, 16);

/** Fills both operands with small pseudo-random int8 values (the values do not change the timing). */
export function fill(seed: u32): void {
  let state = seed | 1;
  for (let i = 0; i < STREAM_LENGTH; i++) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    store<i8>(left + i, <i8>state);
    store<i8>(right + i, <i8>(state >> 8));
  }
}

/** STREAM_LENGTH multiply-accumulates per repeat. */
export function streamSimd(repeats: i32): i32 {
  let total = i32x4.splat(0);
  for (let r = 0; r < repeats; r++) {
    let acc0 = i32x4.splat(0);
    let acc1 = i32x4.splat(0);
    let acc2 = i32x4.splat(0);
    let acc3 = i32x4.splat(0);
    for (let k = 0; k < STREAM_LENGTH; k += 32) {
      acc0 = i32x4.add(acc0, i32x4.dot_i16x8_s(v128.load8x8_s(left + k), v128.load8x8_s(right + k)));
      acc1 = i32x4.add(acc1, i32x4.dot_i16x8_s(v128.load8x8_s(left + k, 8), v128.load8x8_s(right + k, 8)));
      acc2 = i32x4.add(acc2, i32x4.dot_i16x8_s(v128.load8x8_s(left + k, 16), v128.load8x8_s(right + k, 16)));
      acc3 = i32x4.add(acc3, i32x4.dot_i16x8_s(v128.load8x8_s(left + k, 24), v128.load8x8_s(right + k, 24)));
    }
    total = i32x4.add(total, i32x4.add(i32x4.add(acc0, acc1), i32x4.add(acc2, acc3)));
  }
  return horizontalSum(total);
}

/** 16 x DEPTH multiply-accumulates per repeat: rows 0-3 of `left` against rows 0-3 of `right`. */
export function tileSimd(repeats: i32): i32 {
  let total = i32x4.splat(0);
  for (let r = 0; r < repeats; r++) {
    let s00 = i32x4.splat(0), s01 = i32x4.splat(0), s02 = i32x4.splat(0), s03 = i32x4.splat(0);
    let s10 = i32x4.splat(0), s11 = i32x4.splat(0), s12 = i32x4.splat(0), s13 = i32x4.splat(0);
    let s20 = i32x4.splat(0), s21 = i32x4.splat(0), s22 = i32x4.splat(0), s23 = i32x4.splat(0);
    let s30 = i32x4.splat(0), s31 = i32x4.splat(0), s32 = i32x4.splat(0), s33 = i32x4.splat(0);
    for (let k = 0; k < DEPTH; k += 8) {
      const x0 = v128.load8x8_s(left + k);
      const x1 = v128.load8x8_s(left + DEPTH + k);
      const x2 = v128.load8x8_s(left + 2 * DEPTH + k);
      const x3 = v128.load8x8_s(left + 3 * DEPTH + k);
      let w = v128.load8x8_s(right + k);
      s00 = i32x4.add(s00, i32x4.dot_i16x8_s(x0, w));
      s10 = i32x4.add(s10, i32x4.dot_i16x8_s(x1, w));
      s20 = i32x4.add(s20, i32x4.dot_i16x8_s(x2, w));
      s30 = i32x4.add(s30, i32x4.dot_i16x8_s(x3, w));
      w = v128.load8x8_s(right + DEPTH + k);
      s01 = i32x4.add(s01, i32x4.dot_i16x8_s(x0, w));
      s11 = i32x4.add(s11, i32x4.dot_i16x8_s(x1, w));
      s21 = i32x4.add(s21, i32x4.dot_i16x8_s(x2, w));
      s31 = i32x4.add(s31, i32x4.dot_i16x8_s(x3, w));
      w = v128.load8x8_s(right + 2 * DEPTH + k);
      s02 = i32x4.add(s02, i32x4.dot_i16x8_s(x0, w));
      s12 = i32x4.add(s12, i32x4.dot_i16x8_s(x1, w));
      s22 = i32x4.add(s22, i32x4.dot_i16x8_s(x2, w));
      s32 = i32x4.add(s32, i32x4.dot_i16x8_s(x3, w));
      w = v128.load8x8_s(right + 3 * DEPTH + k);
      s03 = i32x4.add(s03, i32x4.dot_i16x8_s(x0, w));
      s13 = i32x4.add(s13, i32x4.dot_i16x8_s(x1, w));
      s23 = i32x4.add(s23, i32x4.dot_i16x8_s(x2, w));
      s33 = i32x4.add(s33, i32x4.dot_i16x8_s(x3, w));
    }
    const rows01 = i32x4.add(i32x4.add(i32x4.add(s00, s01), i32x4.add(s02, s03)), i32x4.add(i32x4.add(s10, s11), i32x4.add(s12, s13)));
    const rows23 = i32x4.add(i32x4.add(i32x4.add(s20, s21), i32x4.add(s22, s23)), i32x4.add(i32x4.add(s30, s31), i32x4.add(s32, s33)));
    total = i32x4.add(total, i32x4.add(rows01, rows23));
  }
  return horizontalSum(total);
}

/** STREAM_LENGTH multiply-accumulates per repeat. */
export function streamScalar(repeats: i32): i32 {
  let total = 0;
  for (let r = 0; r < repeats; r++) {
    let acc0 = 0, acc1 = 0, acc2 = 0, acc3 = 0;
    for (let k = 0; k < STREAM_LENGTH; k += 4) {
      acc0 += <i32>load<i8>(left + k) * <i32>load<i8>(right + k);
      acc1 += <i32>load<i8>(left + k, 1) * <i32>load<i8>(right + k, 1);
      acc2 += <i32>load<i8>(left + k, 2) * <i32>load<i8>(right + k, 2);
      acc3 += <i32>load<i8>(left + k, 3) * <i32>load<i8>(right + k, 3);
    }
    total += acc0 + acc1 + acc2 + acc3;
  }
  return total;
}

/** 16 x DEPTH multiply-accumulates per repeat, as tileSimd. */
export function tileScalar(repeats: i32): i32 {
  let total = 0;
  for (let r = 0; r < repeats; r++) {
    let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
    let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
    for (let k = 0; k < DEPTH; k++) {
      const x0 = <i32>load<i8>(left + k);
      const x1 = <i32>load<i8>(left + DEPTH + k);
      const x2 = <i32>load<i8>(left + 2 * DEPTH + k);
      const x3 = <i32>load<i8>(left + 3 * DEPTH + k);
      let w = <i32>load<i8>(right + k);
      s00 += x0 * w; s10 += x1 * w; s20 += x2 * w; s30 += x3 * w;
      w = <i32>load<i8>(right + DEPTH + k);
      s01 += x0 * w; s11 += x1 * w; s21 += x2 * w; s31 += x3 * w;
      w = <i32>load<i8>(right + 2 * DEPTH + k);
      s02 += x0 * w; s12 += x1 * w; s22 += x2 * w; s32 += x3 * w;
      w = <i32>load<i8>(right + 3 * DEPTH + k);
      s03 += x0 * w; s13 += x1 * w; s23 += x2 * w; s33 += x3 * w;
    }
    total += s00 + s01 + s02 + s03 + s10 + s11 + s12 + s13 + s20 + s21 + s22 + s23 + s30 + s31 + s32 + s33;
  }
  return total;
}

function horizontalSum(lanes: v128): i32 {
  return i32x4.extract_lane(lanes, 0) + i32x4.extract_lane(lanes, 1) + i32x4.extract_lane(lanes, 2) + i32x4.extract_lane(lanes, 3);
}
