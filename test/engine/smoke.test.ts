import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Interpreter } from '../../src/index.js';

test('digits model loads', async () => {
  const it = await Interpreter.load('examples/digits/model.tflite');
  assert.is(it.inputs.length, 1);
});

test.run();
