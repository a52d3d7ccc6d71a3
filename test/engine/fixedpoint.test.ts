// The engine's fixed-point helpers against values worked out by hand from TFLite's and
// gemmlowp's definitions: rounding of negatives, saturation, shifts at both ends.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import asc from 'assemblyscript/asc';
import { repoRoot } from '../conformance.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

interface FixedPoint {
  srdhm(a: number, b: number): number;
  srdhm16(a: number, b: number): number;
  rdbpot(x: number, exponent: number): number;
  mbqm(x: number, multiplier: number, shift: number): number;
  mbqmSingle(x: number, multiplier: number, shift: number): number;
  mbqmWide(x: number, multiplier: number, shift: number): number;
  srmbpot(x: number, exponent: number): number;
  roundAway(x: number): number;
  qmMultiplier(real: number): number;
  qmShift(real: number): number;
  expNegative(a: number, integerBits: number): number;
  oneOverOnePlus(a: number): number;
  reciprocalValue(x: number, integerBits: number): number;
  reciprocalBits(x: number, integerBits: number): number;
  invSqrtMultiplierOf(x: number): number;
  invSqrtShiftOf(x: number): number;
  logistic16(x: number, integerBits: number): number;
  tanh16(x: number, integerBits: number): number;
}

let fp: FixedPoint;

test.before(async () => {
  let binary: Uint8Array | undefined;
  const { error, stderr } = await asc.main(
    ['test/engine/fixedpoint_exports.ts', '--outFile', 'fixedpoint.wasm', '--runtime', 'stub', '--use', 'abort=', '-O3'],
    { readFile: undefined, baseDir: repoRoot, writeFile: (name: string, contents: Uint8Array) => { if (name.endsWith('.wasm')) binary = contents; } } as never,
  );
  if (error || !binary) throw new Error(`cannot compile the fixed-point helpers: ${error?.message}\n${stderr.toString()}`);
  const { instance } = await WebAssembly.instantiate(binary, {});
  fp = instance.exports as unknown as FixedPoint;
});

test('saturating rounding doubling high multiply', () => {
  assert.is(fp.srdhm(INT32_MIN, INT32_MIN), INT32_MAX, 'the one overflow saturates');
  assert.is(fp.srdhm(1 << 30, 1 << 30), 1 << 29, '0.5 * 0.5 = 0.25');
  assert.is(fp.srdhm(3, 1 << 30), 2, '1.5 rounds up');
  assert.is(fp.srdhm(-3, 1 << 30), -1, '-1.5 rounds toward +infinity (nudge 1 - 2^30)');
  assert.is(fp.srdhm(INT32_MAX, INT32_MAX), INT32_MAX - 1);
  assert.is(fp.srdhm(INT32_MIN, INT32_MAX), INT32_MIN + 1);
});

test('int16 saturating rounding doubling high multiply', () => {
  assert.is(fp.srdhm16(-32768, -32768), 32767, 'the one overflow saturates');
  assert.is(fp.srdhm16(16384, 16384), 8192, '0.5 * 0.5 = 0.25');
  assert.is(fp.srdhm16(3, 16384), 2, '1.5 rounds up');
  assert.is(fp.srdhm16(-3, 16384), -1, '-1.5 rounds toward +infinity (nudge 1 - 2^14)');
  assert.is(fp.srdhm16(-32768, 32767), -32767);
});

test('rounding divide by power of two rounds half away from zero', () => {
  assert.is(fp.rdbpot(5, 1), 3);
  assert.is(fp.rdbpot(-5, 1), -3);
  assert.is(fp.rdbpot(-4, 1), -2);
  assert.is(fp.rdbpot(-6, 2), -2, '-1.5 -> -2');
  assert.is(fp.rdbpot(-5, 2), -1, '-1.25 -> -1');
  assert.is(fp.rdbpot(7, 0), 7, 'exponent 0 is the identity');
  assert.is(fp.rdbpot(INT32_MAX, 31), 1);
  assert.is(fp.rdbpot(INT32_MIN, 31), -1);
});

test('quantize multiplier follows frexp and rounds the significand', () => {
  assert.is(fp.qmMultiplier(0.5), 1 << 30);
  assert.is(fp.qmShift(0.5), 0);
  assert.is(fp.qmMultiplier(1), 1 << 30);
  assert.is(fp.qmShift(1), 1);
  assert.is(fp.qmMultiplier(0.75), 1610612736);
  assert.is(fp.qmShift(0.001), -9, '0.001 = 0.512 * 2^-9');
  assert.is(fp.qmMultiplier(0.001), Math.round(0.512 * 2 ** 31));
  assert.is(fp.qmMultiplier(1 - 2 ** -40), 1 << 30, 'a significand that rounds to 2^31 is halved');
  assert.is(fp.qmShift(1 - 2 ** -40), 1);
  assert.is(fp.qmMultiplier(2 ** -40), 0, 'shifts below -31 flush to zero');
  assert.is(fp.qmShift(2 ** -40), 0);
  assert.is(fp.qmMultiplier(0), 0);
});

test('multiply by quantized multiplier: double rounding and single rounding', () => {
  assert.is(fp.mbqm(100, 1 << 30, 1), 100, 'x * 1');
  assert.is(fp.mbqm(-7, 1 << 30, -1), -2, '-7 * 0.25: -3.5 -> -3, then -1.5 -> -2');
  assert.is(fp.mbqm(5, 1 << 30, -1), 2, '5 * 0.25 rounded twice: 2.5 -> 3, 1.5 -> 2');
  assert.is(fp.mbqmSingle(5, 1 << 30, -1), 1, '5 * 0.25 rounded once: 1.25 -> 1');
  assert.is(fp.mbqmSingle(-6, 1 << 30, -1), -1, '-1.5 rounds toward +infinity in the single-rounding form');
  assert.is(fp.mbqm(3, 1 << 30, 2), 6, 'left shift before the multiply');
});

test('multiply by quantized multiplier, 64-bit form: the multiplier reduced to 16 bits, one rounding', () => {
  assert.is(fp.mbqmWide(3, 1 << 30, 0), 2, '3 * 0.5: 1.5 -> 2');
  assert.is(fp.mbqmWide(-3, 1 << 30, 0), -1, '-1.5 rounds toward +infinity');
  assert.is(fp.mbqmWide(5, 1 << 30, -1), 1, '5 * 0.25 rounded once: 1.25 -> 1 (double rounding gives 2)');
  assert.is(fp.mbqmWide(1 << 20, 0x7FFFFFFF, 0), 32767 * 32, 'multipliers from 0x7FFF0000 up reduce to 0x7FFF');
  assert.is(fp.mbqmWide(1 << 20, 1610612736 + (1 << 15), -2), 0x6001 << 3, '(m + 2^15) >> 16 rounds the reduced multiplier up');
  assert.is(fp.mbqmWide(100, 1 << 30, 14), 100 << 13, '100 * 0.5 * 2^14: the largest shift the 16x8 convolutions take');
});

test('saturating rounding multiply by power of two', () => {
  assert.is(fp.srmbpot(1000, 2), 4000);
  assert.is(fp.srmbpot(1 << 30, 1), INT32_MAX);
  assert.is(fp.srmbpot(-(1 << 30) - 1, 1), INT32_MIN);
  assert.is(fp.srmbpot(-6, -2), -2);
  assert.is(fp.srmbpot(-6, 0), -6);
});

test('round half away from zero', () => {
  assert.is(fp.roundAway(2.5), 3);
  assert.is(fp.roundAway(-2.5), -3);
  assert.is(fp.roundAway(0.49999999999999994), 0);
  assert.is(fp.roundAway(-0.5), -1);
});

test('gemmlowp exp, reciprocal', () => {
  assert.is(fp.expNegative(0, 5), INT32_MAX, 'exp(0) is One');
  const expMinusOne = fp.expNegative(-(1 << 26), 5) / 2 ** 31;
  assert.ok(Math.abs(expMinusOne - Math.exp(-1)) < 1e-6, `exp(-1) ~ ${expMinusOne}`);
  const expMinusFour = fp.expNegative(-4 * (1 << 26), 5) / 2 ** 31;
  assert.ok(Math.abs(expMinusFour - Math.exp(-4)) < 1e-6, `exp(-4) ~ ${expMinusFour}`);
  const half = fp.oneOverOnePlus(INT32_MAX) / 2 ** 31;
  assert.ok(Math.abs(half - 0.5) < 1e-6, `1 / (1 + 1) ~ ${half}`);
  assert.is(fp.reciprocalBits(1 << 19, 12), 0, '1.0 in Q12.19 has no bits over unit');
  assert.ok(Math.abs(fp.reciprocalValue(1 << 19, 12) / 2 ** 31 - 1) < 1e-6);
  assert.is(fp.reciprocalBits(3 << 19, 12), 1, '1/3 = (2/3) * 2^-1');
  assert.ok(Math.abs(fp.reciprocalValue(3 << 19, 12) / 2 ** 31 - 2 / 3) < 1e-6);
});

test('inverse square root multiplier: multiplier * 2^(shift - 31) is 1 / sqrt(x)', () => {
  assert.is(fp.invSqrtMultiplierOf(0), INT32_MAX, '0 is taken as 1');
  assert.is(fp.invSqrtShiftOf(1), 0);
  for (const x of [2, 3, 4, 100, 65025, 1 << 28, 1 << 29, INT32_MAX]) {
    const real = fp.invSqrtMultiplierOf(x) * 2 ** (fp.invSqrtShiftOf(x) - 31);
    // Five Newton steps from 1 leave up to ~1e-6 of relative error (the reference's own).
    assert.ok(Math.abs(real * Math.sqrt(x) - 1) < 1e-5, `1/sqrt(${x}) = ${real}`);
  }
});

test('gemmlowp int16 logistic and tanh (Q0.15 results) over every int16 input', () => {
  assert.is(fp.logistic16(0, 3), 1 << 14, 'logistic(0) is one half');
  assert.is(fp.tanh16(0, 3), 0);
  for (const integerBits of [0, 3, 4, 6]) {
    const unit = 2 ** (15 - integerBits);
    let logisticError = 0;
    let tanhError = 0;
    for (let x = -32768; x <= 32767; x++) {
      const logistic = fp.logistic16(x, integerBits);
      const tanh = fp.tanh16(x, integerBits);
      logisticError = Math.max(logisticError, Math.abs(logistic / 32768 - 1 / (1 + Math.exp(-x / unit))));
      tanhError = Math.max(tanhError, Math.abs(tanh / 32768 - Math.tanh(x / unit)));
      if (x > -32768 && x !== 0) {
        assert.is(logistic + fp.logistic16(-x, integerBits), 32767, `logistic(${x}) + logistic(${-x}) is One`);
        assert.is(tanh, -fp.tanh16(-x, integerBits), `tanh is odd at ${x}`);
      }
    }
    assert.ok(logisticError < 5e-4, `logistic with ${integerBits} integer bits is off by ${logisticError}`);
    assert.ok(tanhError < 5e-4, `tanh with ${integerBits} integer bits is off by ${tanhError}`);
  }
});

test.run();
