// Interpreter.profile: every operator timed one at a time through tq_invoke_operator, grouped
// by type, without changing what invoke computes. No assertion depends on how fast it ran.

import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileEngine, Engine } from '../../src/engine.js';
import { Interpreter, TinyqError } from '../../src/index.js';
import { repoRoot } from '../conformance.js';

const digitsPath = path.join(repoRoot, 'examples/digits/model.tflite');
const digit = (n: number) => new Int8Array(Uint8Array.from(fs.readFileSync(path.join(repoRoot, `examples/digits/digit_${n}.bin`))).buffer);

for (const engine of ['simd', 'scalar'] as const) {
  test(`${engine}: every operator is profiled, and the outputs equal a plain invoke`, async () => {
    const interpreter = await Interpreter.load(digitsPath, { engine });
    interpreter.setInput(0, digit(7));
    interpreter.invoke();
    const expected = interpreter.outputBytes(0);

    // invoke may have overwritten the input (activations share arena bytes): set it again.
    interpreter.setInput(0, digit(7));
    const profile = interpreter.profile(3);
    assert.equal(interpreter.outputBytes(0), expected);
    assert.is(profile.engine, engine);
    assert.is(profile.runs, 3);
    const operators = interpreter.operators();
    assert.equal(profile.operators.map(({ index, name, macs }) => ({ index, name, macs })), operators.map(({ index, name, macs }) => ({ index, name, macs })));
    for (const op of profile.operators) {
      assert.ok(Number.isFinite(op.ms) && op.ms >= 0, `operator ${op.index} ms ${op.ms}`);
      assert.ok(op.gmacPerSecond === null || op.gmacPerSecond > 0);
      if (op.macs === 0) assert.is(op.gmacPerSecond, null);
    }
    assert.ok(profile.ms >= 0 && profile.invokeMs >= 0);
    assert.is(profile.macs, interpreter.macs);

    const names = [...new Set(operators.map((op) => op.name))].sort();
    assert.equal(profile.types.map((type) => type.name).sort(), names);
    for (const type of profile.types) {
      const members = profile.operators.filter((op) => op.name === type.name);
      assert.is(type.count, members.length);
      assert.is(type.macs, members.reduce((sum, op) => sum + op.macs, 0));
      assert.ok(Math.abs(type.ms - members.reduce((sum, op) => sum + op.ms, 0)) < 1e-9);
      assert.ok(type.share >= 0 && type.share <= 1);
    }
    assert.ok(profile.types.every((type, k) => k === 0 || profile.types[k - 1].ms >= type.ms), 'slowest type first');
  });
}

test('profile runs must be a positive integer', async () => {
  const interpreter = await Interpreter.load(digitsPath);
  for (const runs of [0, -1, 1.5, Number.NaN]) {
    try {
      interpreter.profile(runs);
      assert.unreachable(`profile(${runs}) was accepted`);
    } catch (error) {
      assert.instance(error, TinyqError);
      assert.is((error as TinyqError).code, 'INVALID_ARGUMENT');
    }
  }
});

test('tq_invoke_operator: NOT_READY before init, INVALID_ARGUMENT for a bad index, and in order equals tq_invoke', async () => {
  const { kind, module } = await compileEngine('scalar');
  const engine = new Engine(kind, module);
  const api = engine.exports;
  assert.is(api.tq_invoke_operator(0), 6, 'TQ_NOT_READY');
  const bytes = new Uint8Array(fs.readFileSync(digitsPath));
  engine.bytes(api.tq_model_reserve(bytes.length), bytes.length).set(bytes);
  engine.call(() => api.tq_init());
  assert.is(api.tq_invoke_operator(-1), 7, 'TQ_INVALID_ARGUMENT');
  assert.is(api.tq_invoke_operator(api.tq_operator_count()), 7, 'TQ_INVALID_ARGUMENT');
  assert.match(engine.lastError().message, /no operator 6/);

  const input = api.tq_input_tensor(0);
  const output = api.tq_output_tensor(0);
  engine.bytes(api.tq_tensor_data(input), api.tq_tensor_bytes(input)).set(new Uint8Array(digit(2).buffer));
  engine.call(() => api.tq_invoke());
  const expected = engine.bytes(api.tq_tensor_data(output), api.tq_tensor_bytes(output)).slice();
  engine.bytes(api.tq_tensor_data(input), api.tq_tensor_bytes(input)).set(new Uint8Array(digit(2).buffer));
  for (let i = 0; i < api.tq_operator_count(); i++) engine.call(() => api.tq_invoke_operator(i));
  assert.equal(engine.bytes(api.tq_tensor_data(output), api.tq_tensor_bytes(output)).slice(), expected);
});

test.run();
