// Interpreter.reset() (the engine's tq_reset) on stateful models: after a reset, a sample
// sequence gives the outputs and state of a freshly loaded interpreter; without one, the state
// carried over from the previous sequence changes them.

import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Interpreter, TinyqError } from '../../src/index.js';
import { compileEngine, Engine } from '../../src/engine.js';
import { Case, fixturesDir, listCases, readBytes, sharedConformanceDir } from '../conformance.js';

/** What each sample of a sequence gives: its outputs and the variable (state) tensors after it. */
interface Run {
  outputs: Uint8Array[][];
  states: Uint8Array[][];
}

/** The state tensors: input 4 (activation_state) of every SVDF operator. */
function stateTensors(interpreter: Interpreter): number[] {
  return interpreter.operators().filter((op) => op.name === 'SVDF').map((op) => op.inputs[4]);
}

function states(interpreter: Interpreter): Uint8Array[] {
  return stateTensors(interpreter).map((t) => interpreter.tensorBytes(t));
}

function runSequence(interpreter: Interpreter, testCase: Case): Run {
  const run: Run = { outputs: [], states: [] };
  for (const sample of testCase.spec.samples) {
    sample.inputs.forEach((file, i) => interpreter.setInputBytes(i, readBytes(testCase.dir, file)));
    interpreter.invoke();
    run.outputs.push(sample.outputs.map((_, j) => interpreter.outputBytes(j)));
    run.states.push(states(interpreter));
  }
  return run;
}

function findCase(root: string, name: string): Case | undefined {
  return listCases(root).find((c) => c.spec.name === name);
}

/**
 * Checks reset on one stateful case. `outputsShowState` is false for a model whose outputs
 * saturate whatever the state, where only the state tensors can show the difference.
 */
async function checkReset(testCase: Case, outputsShowState: boolean): Promise<void> {
  assert.ok(testCase.spec.stateful, `${testCase.spec.name} is stateful`);
  const model = path.join(testCase.dir, 'model.tflite');
  const fresh = runSequence(await Interpreter.load(model), testCase);
  assert.ok(fresh.states[0].length > 0, 'the model has state tensors');
  // The fresh run is the reference's: its outputs are the goldens.
  testCase.spec.samples.forEach((sample, k) => sample.outputs.forEach((file, j) => {
    assert.equal(fresh.outputs[k][j], readBytes(testCase.dir, file), `sample ${k} output ${j} equals the golden`);
  }));

  const interpreter = await Interpreter.load(model);
  const initial = states(interpreter);
  runSequence(interpreter, testCase);
  const carried = runSequence(interpreter, testCase);
  assert.not.equal(carried.states, fresh.states, 'without reset, the second sequence starts from the first one\'s state');
  if (outputsShowState) assert.not.equal(carried.outputs, fresh.outputs, 'without reset, the outputs differ');

  interpreter.reset();
  assert.equal(states(interpreter), initial, 'reset restores the state after loading');
  const afterReset = runSequence(interpreter, testCase);
  assert.equal(afterReset.outputs, fresh.outputs, 'after reset, the outputs are those of a fresh interpreter');
  assert.equal(afterReset.states, fresh.states, 'after reset, the state evolves as in a fresh interpreter');
}

test('reset: an SVDF fixture runs as on a fresh interpreter after reset, differently without', async () => {
  const testCase = findCase(path.join(fixturesDir, 'cases_svdf16'), 'svdf_stack_f32_io');
  assert.ok(testCase, 'test/fixtures/cases_svdf16/svdf_stack_f32_io exists');
  await checkReset(testCase, true);
});

test('reset: keyword_scrambled (shared conformance)', async () => {
  const testCase = findCase(sharedConformanceDir, 'keyword_scrambled');
  if (!testCase) {
    console.log(`reset: ${sharedConformanceDir} has no keyword_scrambled; skipping its reset check`);
    return;
  }
  try {
    await Interpreter.load(path.join(testCase.dir, 'model.tflite'));
  } catch (error) {
    // Its SOFTMAX has an int16 output, which this engine may not implement yet.
    if (!(error instanceof TinyqError) || (error.code !== 'UNSUPPORTED_TYPE' && error.code !== 'UNSUPPORTED_OPERATOR')) throw error;
    console.log(`reset: keyword_scrambled not supported by this engine (${error.message}); skipping its reset check`);
    return;
  }
  // Its scrambled weights saturate the softmax: every golden output is the same, so only the
  // seven SVDF states can show what reset changes.
  await checkReset(testCase, false);
});

test('tq_reset before a successful tq_init is NOT_READY', async () => {
  const { kind, module } = await compileEngine('scalar');
  const engine = new Engine(kind, module);
  assert.is(engine.exports.tq_reset(), 6);
  assert.is(engine.lastError().code, 'NOT_READY');
});

test.run();
