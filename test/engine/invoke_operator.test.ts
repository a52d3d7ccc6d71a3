// tq_invoke_operator (Interpreter.invokeOperator): running the operators one by one, in order,
// gives invoke()'s outputs, every intermediate tensor can be read right after its operator, and
// a bad index is an error, never a trap.

import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Interpreter, TinyqError } from '../../src/index.js';
import { fixturesDir, readBytes } from '../conformance.js';

const smallCnn = path.join(fixturesDir, 'float', 'small_cnn');

for (const engine of ['scalar', 'simd'] as const) {
  test(`${engine}: operator by operator equals invoke, and each output is readable after its operator`, async () => {
    const interpreter = await Interpreter.load(path.join(smallCnn, 'model.tflite'), { engine });
    interpreter.setInputBytes(0, readBytes(smallCnn, 's0_in0.bin'));
    interpreter.invoke();
    const whole = interpreter.outputBytes(0);
    interpreter.setInputBytes(0, readBytes(smallCnn, 's0_in0.bin'));
    const intermediates: Float32Array[] = [];
    for (const operator of interpreter.operators()) {
      interpreter.invokeOperator(operator.index);
      intermediates.push(interpreter.tensorValues(operator.outputs[0]));
    }
    assert.equal(interpreter.outputBytes(0), whole);
    assert.equal(intermediates.length, interpreter.operators().length);
    assert.ok(intermediates.every((values) => values.every(Number.isFinite)));
  });
}

test('an operator index out of range is INVALID_ARGUMENT', async () => {
  const interpreter = await Interpreter.load(fs.readFileSync(path.join(smallCnn, 'model.tflite')));
  for (const index of [-1, interpreter.operators().length]) {
    try {
      interpreter.invokeOperator(index);
      assert.unreachable('expected an error');
    } catch (error) {
      assert.instance(error, TinyqError);
      assert.is((error as TinyqError).code, 'INVALID_ARGUMENT');
      assert.match((error as Error).message, /no operator/);
    }
  }
});

test.run();
