// The int8 microkernels (assembly/microkernels/) of both builds against plain reference loops
// written from TFLite's reference semantics, on random shapes, offsets and multipliers.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import asc from 'assemblyscript/asc';
import { repoRoot } from '../conformance.js';

interface Microkernels {
  memory: WebAssembly.Memory;
  allocate(bytes: number): number;
  gemm(...args: number[]): void;
  depthwise(...args: number[]): void;
  setRounding(once: number): void;
  requantizeFour(values: number, multiplier: number, shift: number): void;
  requantizeShiftedFour(values: number, leftShift: number, multiplier: number, shift: number): void;
  requantizeChannels(values: number, multipliers: number, shifts: number, count: number, outputOffset: number, output: number, single: number): number;
  simplifyConstant(multipliers: number, shifts: number, accumulator: number, single: number): void;
}

async function compile(simd: boolean): Promise<Microkernels> {
  let binary: Uint8Array | undefined;
  const args = ['test/engine/microkernels_exports.ts', '--outFile', 'microkernels.wasm', '--runtime', 'stub', '--use', 'abort=', '-O3'];
  const { error, stderr } = await asc.main(simd ? [...args, '--enable', 'simd'] : args, {
    baseDir: repoRoot,
    writeFile: (name: string, contents: Uint8Array) => { if (name.endsWith('.wasm')) binary = contents; },
  } as never);
  if (error || !binary) throw new Error(`cannot compile the microkernels: ${error?.message}\n${stderr.toString()}`);
  const { instance } = await WebAssembly.instantiate(binary, {});
  return instance.exports as unknown as Microkernels;
}

let seed = 99;
const random = (n: number) => Math.floor(((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) * n);
const int8s = (n: number) => Int8Array.from({ length: n }, () => random(256) - 128);

/** TFLite's MultiplyByQuantizedMultiplier, double rounding (conv) or single rounding (fully connected). */
function requantize(x: number, multiplier: number, shift: number, single: boolean): number {
  if (single) {
    const total = BigInt(31 - shift);
    return Number((BigInt(x) * BigInt(multiplier) + (1n << (total - 1n))) >> total);
  }
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  const a = Math.imul(x, 2 ** left); // wraps like the reference's 32-bit multiply
  const product = BigInt(a) * BigInt(multiplier);
  const nudge = product >= 0n ? 1n << 30n : 1n - (1n << 30n);
  const high = Number((product + nudge) / (1n << 31n)); // BigInt division truncates, like C++
  const mask = (1 << right) - 1;
  const remainder = high & mask;
  const threshold = (mask >> 1) + (high < 0 ? 1 : 0);
  return (high >> right) + (remainder > threshold ? 1 : 0);
}

function put(kernels: Microkernels, data: Int8Array | Int32Array): number {
  const pointer = kernels.allocate(data.byteLength + 16);
  new Uint8Array(kernels.memory.buffer, pointer, data.byteLength).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return pointer;
}

/**
 * Per-channel quantization with right shifts up to `maxRight`: 31, or 22 for the range the SIMD
 * build's vector requantization takes (requantize_x4.ts), then only right shifts (of at least 1,
 * which its single rounding needs).
 */
function randomQuantization(channels: number, maxRight = 31) {
  return {
    multipliers: Int32Array.from({ length: channels }, () => (1 << 30) + random(1 << 30)),
    // Mostly right shifts, as real layers have; also the extremes of both directions.
    shifts: Int32Array.from({ length: channels }, () => (maxRight <= 22 ? -1 - random(maxRight) : random(8) === 0 ? random(3) : -random(maxRight + 1))),
    bias: Int32Array.from({ length: channels }, () => random(20000) - 10000),
    inputOffset: random(256) - 128,
    outputOffset: random(256) - 128,
  };
}

/**
 * Pruned channels, as converters leave them: all weights zero, a tiny scale (right shift 25-31)
 * and a large bias, so the accumulator is the bias and the output may still differ from the
 * zero point. The SIMD build gives them an equivalent multiplier (simplifyConstantChannel).
 */
function zeroSomeChannels(q: ReturnType<typeof randomQuantization>, filter: Int8Array, at: (channel: number, k: number) => number, taps: number): void {
  for (let c = 0; c < q.shifts.length; c++) {
    if (random(4) !== 0) continue;
    for (let k = 0; k < taps; k++) filter[at(c, k)] = 0;
    q.shifts[c] = -25 - random(7);
    q.bias[c] = random(2) === 0 ? random(1 << 30) : -(1 << 30) + random(1 << 10);
  }
}

for (const simd of [false, true]) {
  const microkernels = suite(`microkernels (${simd ? 'simd' : 'scalar'})`);
  let kernels: Microkernels;
  microkernels.before(async () => { kernels = await compile(simd); });

  microkernels('gemm: rows x channels x depth, both roundings', () => {
    for (let trial = 0; trial < 60; trial++) {
      const rows = 1 + random(7), channels = 1 + random(40), depth = 1 + random(40), stride = depth + random(3);
      // Single rounding asked by the kernel (FULLY_CONNECTED) or by the model's mode.
      const kernelSingle = trial % 4 === 1, modelSingle = trial % 4 === 3;
      const single = kernelSingle || modelSingle;
      kernels.setRounding(modelSingle ? 1 : 0);
      const q = randomQuantization(channels, trial % 3 === 2 ? 31 : 22);
      const filter = int8s(channels * depth), input = int8s(rows * stride + 16);
      zeroSomeChannels(q, filter, (c, k) => c * depth + k, depth);
      const [low, high] = trial % 3 === 0 ? [q.outputOffset, 127] : [-128, 127];
      const output = kernels.allocate(rows * channels);
      kernels.gemm(put(kernels, filter), depth, channels, put(kernels, q.bias), q.inputOffset, put(kernels, q.multipliers), put(kernels, q.shifts),
        q.outputOffset, low, high, kernelSingle ? 1 : 0, put(kernels, input), stride, rows, output);
      const actual = new Int8Array(kernels.memory.buffer, output, rows * channels);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < channels; c++) {
          let accumulator = q.bias[c];
          for (let k = 0; k < depth; k++) accumulator = (accumulator + filter[c * depth + k] * (input[r * stride + k] + q.inputOffset)) | 0;
          const expected = Math.min(high, Math.max(low, requantize(accumulator, q.multipliers[c], q.shifts[c], single) + q.outputOffset));
          assert.is(actual[r * channels + c], expected, `trial ${trial} row ${r} channel ${c} (rows ${rows}, channels ${channels}, depth ${depth})`);
        }
      }
    }
  });

  microkernels('depthwise: valid taps only, stride, dilation, padding, both roundings', () => {
    for (let trial = 0; trial < 80; trial++) {
      const single = trial % 2 === 1;
      kernels.setRounding(single ? 1 : 0);
      // Every other trial has the SIMD build's fast shape: 3x3 and whole blocks of 8 channels.
      const fast = trial % 4 >= 2;
      const channels = fast ? 8 * (1 + random(3)) : 1 + random(20), filterSize = fast ? 3 : 1 + random(4);
      const stride = 1 + random(2), dilation = 1 + random(2);
      const height = 3 + random(6), width = 3 + random(9), padding = random(3);
      const effective = (filterSize - 1) * dilation + 1;
      const outputHeight = Math.floor((height + 2 * padding - effective) / stride) + 1;
      const outputWidth = Math.floor((width + 2 * padding - effective) / stride) + 1;
      if (outputHeight < 1 || outputWidth < 1) continue;
      const q = randomQuantization(channels, trial % 3 === 2 ? 31 : 22);
      const filter = int8s(filterSize * filterSize * channels), input = int8s(height * width * channels);
      zeroSomeChannels(q, filter, (c, tap) => tap * channels + c, filterSize * filterSize);
      const output = kernels.allocate(outputHeight * outputWidth * channels);
      kernels.depthwise(put(kernels, filter), filterSize, filterSize, channels, put(kernels, q.bias), q.inputOffset, put(kernels, q.multipliers),
        put(kernels, q.shifts), q.outputOffset, -128, 127, put(kernels, input), height, width, stride, dilation, padding, outputHeight, outputWidth, output);
      const actual = new Int8Array(kernels.memory.buffer, output, outputHeight * outputWidth * channels);
      for (let oy = 0; oy < outputHeight; oy++) for (let ox = 0; ox < outputWidth; ox++) for (let c = 0; c < channels; c++) {
        let accumulator = q.bias[c];
        for (let fy = 0; fy < filterSize; fy++) for (let fx = 0; fx < filterSize; fx++) {
          const iy = oy * stride - padding + fy * dilation, ix = ox * stride - padding + fx * dilation;
          if (iy < 0 || iy >= height || ix < 0 || ix >= width) continue;
          accumulator += filter[(fy * filterSize + fx) * channels + c] * (input[(iy * width + ix) * channels + c] + q.inputOffset);
        }
        const expected = Math.min(127, Math.max(-128, requantize(accumulator, q.multipliers[c], q.shifts[c], single) + q.outputOffset));
        assert.is(actual[(oy * outputWidth + ox) * channels + c], expected, `trial ${trial} at ${oy},${ox},${c}`);
      }
    }
  });

  microkernels('uniform requantization of four values (ADD), both roundings', () => {
    for (let trial = 0; trial < 400; trial++) {
      const single = trial % 2 === 1;
      kernels.setRounding(single ? 1 : 0);
      const { multipliers: [multiplier], shifts: [shift] } = randomQuantization(1);
      const values = Int32Array.from({ length: 4 }, () => random(1 << 24) - (1 << 23));
      const pointer = put(kernels, values);
      kernels.requantizeFour(pointer, multiplier, shift);
      const actual = new Int32Array(kernels.memory.buffer, pointer, 4);
      for (let i = 0; i < 4; i++) {
        assert.is(actual[i], requantize(values[i], multiplier, shift, single), `trial ${trial}: ${values[i]} x ${multiplier} x 2^${shift}`);
      }
    }
  });

  microkernels('ADD\'s input rescaling: 9-bit values times 2^20, both roundings', () => {
    for (let trial = 0; trial < 400; trial++) {
      const single = trial % 2 === 1;
      kernels.setRounding(single ? 1 : 0);
      const multiplier = trial % 7 === 0 ? 2 ** 30 : (1 << 30) + random(1 << 30), shift = -random(32);
      // Values 2^k apart around a tie of the final divide, and any 9-bit value.
      const values = Int32Array.from({ length: 4 }, () => random(2) === 0 ? random(511) - 255 : ((random(9) - 4) << random(9)));
      const input = Int32Array.from(values);
      const pointer = put(kernels, values);
      kernels.requantizeShiftedFour(pointer, 20, multiplier, shift);
      const actual = new Int32Array(kernels.memory.buffer, pointer, 4);
      for (let i = 0; i < 4; i++) {
        assert.is(actual[i], requantize(input[i] * 2 ** 20, multiplier, shift, single), `trial ${trial}: ${input[i]} x 2^20 x ${multiplier} x 2^${shift}`);
      }
    }
  });

  microkernels('per-channel requantization on the whole int32 range, both roundings', () => {
    kernels.setRounding(0);
    const extremes = [0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 30, -(2 ** 30), 3, -3, 5, -5];
    for (const single of [false, true]) {
      let vectorTrials = 0;
      for (let trial = 0; trial < 300; trial++) {
        const count = 8 * (1 + random(2));
        const { multipliers, shifts, outputOffset } = randomQuantization(count);
        // Every right shift and (double rounding; single rounding's reference needs the result to
        // fit 32 bits) the left shifts a model can ask for, in turn; two trials in three keep the
        // right shifts within what the vector requantization takes.
        const [span, lowest] = trial % 3 === 0 ? [single ? 32 : 40, -31] : single ? [22, -22] : [31, -22];
        for (let i = 0; i < count; i++) shifts[i] = ((trial * count + i) % span) + lowest;
        if (trial % 10 === 0) multipliers[0] = 2 ** 31 - 1;
        const values = Int32Array.from({ length: count }, (_, i) => {
          const kind = random(3);
          if (kind === 0) return extremes[random(extremes.length)];
          if (kind === 1) return (random(2 ** 16) << 16) | random(2 ** 16); // any 32-bit pattern
          // Multiplier 1/2: the high product is x / 2, put at or next to a tie of the final divide.
          const right = Math.max(0, -shifts[i]);
          multipliers[i] = 2 ** 30;
          return ((random(64) - 32) * 2 ** (right + 1) + (right > 0 ? 2 ** right : 0) + random(5) - 2) | 0;
        });
        const output = kernels.allocate(count);
        const vectors = kernels.requantizeChannels(put(kernels, values), put(kernels, multipliers), put(kernels, shifts), count, outputOffset, output, single ? 1 : 0);
        const taken = shifts.every((shift) => shift >= -22 && (!single || shift <= -1));
        if (simd) assert.is(vectors, taken ? 1 : 0, `trial ${trial}: the vector requantization serves exactly the right shifts it takes`);
        vectorTrials += vectors;
        const actual = new Int8Array(kernels.memory.buffer, output, count);
        for (let i = 0; i < count; i++) {
          const expected = Math.min(127, Math.max(-128, requantize(values[i], multipliers[i], shifts[i], single) + outputOffset));
          assert.is(actual[i], expected, `trial ${trial}${single ? ' (single rounding)' : ''}: ${values[i]} x ${multipliers[i]} x 2^${shifts[i]} + ${outputOffset}`);
        }
      }
      if (simd) assert.ok(vectorTrials >= 150, `${vectorTrials} trials took the vector requantization`);
    }
  });

  microkernels('a pruned channel gets a multiplier with shift -1 that requantizes its bias the same, both roundings', () => {
    kernels.setRounding(0);
    let simplified = 0;
    for (let trial = 0; trial < 1000; trial++) {
      const single = trial % 2 === 1;
      const multiplier = (1 << 30) + random(1 << 30), shift = -23 - random(9);
      const accumulator = trial % 5 === 0 ? random(1000) - 500 : random(2) === 0 ? random(2 ** 31) : -random(2 ** 31);
      const multipliers = put(kernels, Int32Array.of(multiplier)), shifts = put(kernels, Int32Array.of(shift));
      kernels.simplifyConstant(multipliers, shifts, accumulator, single ? 1 : 0);
      const [newMultiplier] = new Int32Array(kernels.memory.buffer, multipliers, 1);
      const [newShift] = new Int32Array(kernels.memory.buffer, shifts, 1);
      assert.is(requantize(accumulator, newMultiplier, newShift, single), requantize(accumulator, multiplier, shift, single), `trial ${trial}: ${accumulator} x ${multiplier} x 2^${shift}`);
      if (newShift === -1) simplified++;
    }
    assert.is(simplified, 1000, 'every channel gets shift -1');
  });

  microkernels.run();
}
