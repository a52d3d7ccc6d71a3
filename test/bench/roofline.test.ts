// bench/roofline_loops.ts computes the dot products it claims to, so that its GMAC/s count real work:
// the SIMD and scalar loops agree with each other and with the same sums taken here.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileRoofline, type RooflineLoops } from '../../bench/roofline.js';
import { repoRoot } from '../conformance.js';

const SEED = 1234;
let loops: RooflineLoops;

/** The operands fill(seed) writes: xorshift32, low byte to the left operand, the next to the right. */
function operands(seed: number, length: number): { left: Int8Array; right: Int8Array } {
  const left = new Int8Array(length);
  const right = new Int8Array(length);
  let state = (seed | 1) >>> 0;
  for (let i = 0; i < length; i++) {
    state = (state ^ (state << 13)) >>> 0;
    state = (state ^ (state >>> 17)) >>> 0;
    state = (state ^ (state << 5)) >>> 0;
    left[i] = state & 0xff;
    right[i] = (state >>> 8) & 0xff;
  }
  return { left, right };
}

test.before(async () => {
  loops = await compileRoofline(repoRoot);
  loops.fill(SEED);
});

test('stream: one dot product over the whole operands, SIMD and scalar alike', () => {
  const length = loops.STREAM_LENGTH.value as number;
  const { left, right } = operands(SEED, length);
  let expected = 0;
  for (let k = 0; k < length; k++) expected += left[k] * right[k];
  assert.is(loops.streamSimd(1), expected);
  assert.is(loops.streamScalar(1), expected);
  assert.is(loops.streamSimd(3), 3 * expected, 'every repeat does the work again');
  assert.is(loops.streamScalar(3), 3 * expected);
});

test('tile: the sum of the 16 dot products of 4 left rows and 4 right rows, SIMD and scalar alike', () => {
  const depth = loops.DEPTH.value as number;
  const { left, right } = operands(SEED, 4 * depth);
  let expected = 0;
  for (let row = 0; row < 4; row++) {
    for (let column = 0; column < 4; column++) {
      for (let k = 0; k < depth; k++) expected += left[row * depth + k] * right[column * depth + k];
    }
  }
  assert.is(loops.tileSimd(1), expected);
  assert.is(loops.tileScalar(1), expected);
  assert.is(loops.tileSimd(2), 2 * expected);
  assert.is(loops.tileScalar(2), 2 * expected);
});

test.run();
