// Every conformance case (../shared/conformance and test/fixtures/cases*) on both engine builds:
// each output byte must equal TFLite's reference kernels' output. Every case must run: a model
// the engine refuses (an operator or type it lacks) is a failure, never a skip.

import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Interpreter } from '../../src/index.js';
import { fixtureCaseRoots, listCases, readBytes, sharedConformanceDir } from '../conformance.js';

// The published models the engine core must run (issue: engine core acceptance).
const REQUIRED = ['vww_96_int8', 'kws_ref_model', 'pretrainedResnet_quant', 'ad01_int8', 'person_detect',
  'hello_world_int8', 'micro_speech_quantized', 'digits_cnn', 'digits_mlp'];

const shared = listCases(sharedConformanceDir);
const fixtures = fixtureCaseRoots().flatMap(listCases);
if (shared.length === 0) console.log(`conformance: ${sharedConformanceDir} not found; running only the repo's fixtures`);

for (const engine of ['scalar', 'simd'] as const) {
  const conformance = suite(`conformance (${engine})`);

  for (const { spec, dir } of [...shared, ...fixtures]) {
    conformance(`${spec.name} [${spec.ops.join(', ')}]`, async () => {
      const interpreter = await Interpreter.load(path.join(dir, 'model.tflite'), { engine });
      assert.equal(interpreter.inputs.map((t) => t.shape), spec.inputs.map((t) => t.shape), 'input shapes');
      assert.equal(interpreter.outputs.map((t) => t.dtype), spec.outputs.map((t) => t.dtype), 'output dtypes');
      // Samples run in order on one interpreter, so stateful models carry their state.
      spec.samples.forEach((sample, k) => {
        sample.inputs.forEach((file, i) => interpreter.setInputBytes(i, readBytes(dir, file)));
        interpreter.invoke();
        sample.outputs.forEach((file, j) => {
          const expected = readBytes(dir, file);
          const actual = interpreter.outputBytes(j);
          let mismatches = 0;
          for (let b = 0; b < expected.length; b++) if (actual[b] !== expected[b]) mismatches++;
          assert.is(mismatches, 0, `sample ${k} output ${j}: ${mismatches} of ${expected.length} bytes differ`);
        });
      });
    });
  }

  conformance('the published models are all present', () => {
    if (shared.length === 0) return;
    const names = new Set(shared.map((c) => c.spec.name));
    for (const name of REQUIRED) assert.ok(names.has(name), `${name} is missing from ../shared/conformance`);
  });

  conformance.run();
}
