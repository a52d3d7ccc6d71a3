// The host API: inputs from raw or float data, outputs raw or dequantized, and typed errors
// (never a raw WebAssembly trap) for bad models, bad inputs and memory limits.

import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Interpreter, TinyqError } from '../../src/index.js';
import { repoRoot } from '../conformance.js';

const digitsPath = path.join(repoRoot, 'examples/digits/model.tflite');
const digitsModel = new Uint8Array(fs.readFileSync(digitsPath));
const digit = (n: number) => new Int8Array(Uint8Array.from(fs.readFileSync(path.join(repoRoot, `examples/digits/digit_${n}.bin`))).buffer);

async function rejects(promiseOrFn: Promise<unknown> | (() => unknown), codes: string[]): Promise<TinyqError> {
  try {
    await (typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn);
  } catch (error) {
    assert.instance(error, TinyqError, `expected a TinyqError, got ${error}`);
    assert.ok(codes.includes((error as TinyqError).code), `code ${(error as TinyqError).code}: ${(error as Error).message}`);
    return error as TinyqError;
  }
  throw new assert.Assertion({ message: `expected an error with code ${codes.join(' or ')}` } as never);
}

test('describes inputs and outputs with their quantization', async () => {
  const interpreter = await Interpreter.load(digitsPath);
  const [input] = interpreter.inputs;
  const [output] = interpreter.outputs;
  assert.equal(input.shape, [1, 8, 8, 1]);
  assert.is(input.dtype, 'int8');
  assert.is(input.zeroPoint, -128);
  assert.ok(Math.abs(input.scale - 1 / 255) < 1e-9);
  assert.equal(output.shape, [1, 10]);
  assert.is(output.scale, 1 / 256);
  assert.ok(interpreter.arenaBytes > 0 && interpreter.memoryBytes > interpreter.arenaBytes + digitsModel.length);
});

test('classifies the example digits', async () => {
  const interpreter = await Interpreter.load(digitsModel);
  for (let n = 0; n < 10; n++) {
    interpreter.setInput(0, digit(n));
    interpreter.invoke();
    const scores = interpreter.output(0, 'float') as Float32Array;
    assert.is(scores.indexOf(Math.max(...scores)), n, `digit ${n}`);
  }
});

test('float input is quantized with the tensor scale and zero point', async () => {
  const interpreter = await Interpreter.load(digitsModel);
  const raw = digit(7);
  const { scale, zeroPoint } = interpreter.inputs[0];
  interpreter.setInput(0, raw);
  interpreter.invoke();
  const expected = interpreter.output(0);
  interpreter.setInput(0, Float32Array.from(raw, (q) => scale * (q - zeroPoint)));
  interpreter.invoke();
  assert.equal(interpreter.output(0), expected);
  const { scale: outScale, zeroPoint: outZero } = interpreter.outputs[0];
  assert.equal(Array.from(interpreter.output(0, 'float')), Array.from(expected, (q) => outScale * (Number(q) - outZero)));
});

test('scalar and simd builds agree', async () => {
  const scalar = await Interpreter.load(digitsModel, { engine: 'scalar' });
  const simd = await Interpreter.load(digitsModel, { engine: 'simd' });
  assert.is(scalar.engine, 'scalar');
  assert.is(simd.engine, 'simd');
  for (let n = 0; n < 10; n++) {
    scalar.setInput(0, digit(n));
    simd.setInput(0, digit(n));
    scalar.invoke();
    simd.invoke();
    assert.equal(simd.output(0), scalar.output(0));
  }
});

test('wrong input length, dtype or index is a typed error', async () => {
  const interpreter = await Interpreter.load(digitsModel);
  const length = await rejects(() => interpreter.setInput(0, new Int8Array(63)), ['INVALID_INPUT']);
  assert.match(length.message, /64 values/);
  await rejects(() => interpreter.setInput(0, new Int16Array(64)), ['INVALID_INPUT']);
  await rejects(() => interpreter.setInputBytes(0, new Uint8Array(65)), ['INVALID_INPUT']);
  await rejects(() => interpreter.setInput(1, new Int8Array(64)), ['INVALID_ARGUMENT']);
  await rejects(() => interpreter.output(3), ['INVALID_ARGUMENT']);
});

test('an unsupported operator is named', async () => {
  const error = await rejects(Interpreter.load(path.join(repoRoot, 'test/fixtures/unsupported_op.tflite')), ['UNSUPPORTED_OPERATOR']);
  assert.match(error.message, /custom operator TinyqTestOp \(version \d+\) at operator 2/);
});

test('not a model: empty, short, garbage and a missing file', async () => {
  await rejects(Interpreter.load(new Uint8Array(0)), ['INVALID_ARGUMENT']);
  await rejects(Interpreter.load(new Uint8Array(7)), ['INVALID_ARGUMENT']);
  await rejects(Interpreter.load(new TextEncoder().encode('this is not a tflite model at all, just text')), ['MALFORMED_MODEL', 'INVALID_MODEL']);
  await rejects(Interpreter.load(path.join(repoRoot, 'no-such-model.tflite')), ['IO_ERROR']);
});

test('truncated and corrupted models are refused cleanly, then valid models still run exactly', async () => {
  const reference = await Interpreter.load(digitsModel);
  reference.setInput(0, digit(4));
  reference.invoke();
  const expected = reference.output(0);
  const outcomes = new Map<string, number>();
  const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const mutants: Uint8Array[] = [];
  for (let length = 8; length < digitsModel.length; length += 61) mutants.push(digitsModel.slice(0, length));
  for (let i = 0; i < 300; i++) {
    const mutant = digitsModel.slice();
    for (let flips = 1 + Math.floor(random() * 4); flips > 0; flips--) mutant[Math.floor(random() * mutant.length)] = Math.floor(random() * 256);
    mutants.push(mutant);
  }
  for (const mutant of mutants) {
    try {
      const interpreter = await Interpreter.load(mutant, { engine: 'scalar', memoryLimit: 64 << 20 });
      interpreter.setInput(0, digit(4));
      interpreter.invoke();
      count('ran');
    } catch (error) {
      assert.instance(error, TinyqError, `mutant threw ${error}`);
      assert.is.not((error as TinyqError).code, 'ENGINE_FAILURE', (error as Error).message);
      count((error as TinyqError).code);
    }
  }
  assert.ok((outcomes.get('MALFORMED_MODEL') ?? 0) > 0, JSON.stringify([...outcomes]));
  const fresh = await Interpreter.load(digitsModel, { engine: 'scalar' });
  fresh.setInput(0, digit(4));
  fresh.invoke();
  assert.equal(fresh.output(0), expected);
});

test('a memory limit below what the model needs is refused with the size needed', async () => {
  const error = await rejects(Interpreter.load(digitsModel, { memoryLimit: 16 * 1024 }), ['OUT_OF_MEMORY']);
  assert.match(error.message, /needs \d+ bytes/);
  const interpreter = await Interpreter.load(digitsModel, { memoryLimit: 1 << 20 });
  assert.ok(interpreter.memoryBytes <= 1 << 20);
});

test.run();
