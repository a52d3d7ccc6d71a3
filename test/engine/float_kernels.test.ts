// The float32 kernels against TFLite's reference float kernels (test/fixtures/float, made by
// gen_float.py), on both builds. Float results depend on the order of summation and on the
// exp/tanh implementation, so each output is compared within the case's tolerance:
// |tinyq - tflite| <= rtol * |tflite| + atol * max |tflite| over the output.

import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Interpreter } from '../../src/index.js';
import { fixturesDir, listCases, readBytes, type CaseSpec } from '../conformance.js';

interface FloatCaseSpec extends Omit<CaseSpec, 'tolerance'> {
  tolerance: { rtol: number; atol: number };
}

const cases = listCases<FloatCaseSpec>(path.join(fixturesDir, 'float'));

function floats(bytes: Uint8Array): Float32Array {
  return new Float32Array(bytes.slice().buffer);
}

for (const engine of ['scalar', 'simd'] as const) {
  const floatKernels = suite(`float32 kernels (${engine})`);

  floatKernels('the fixtures are present', () => {
    assert.ok(cases.length >= 20, `found ${cases.length} float cases`);
  });

  for (const { spec, dir } of cases) {
    floatKernels(`${spec.name} [${spec.ops.join(', ')}]`, async () => {
      const interpreter = await Interpreter.load(path.join(dir, 'model.tflite'), { engine });
      assert.ok(interpreter.inputs.every((t) => t.dtype === 'float32'), 'a float model');
      const { rtol, atol } = spec.tolerance;
      for (const [k, sample] of spec.samples.entries()) {
        sample.inputs.forEach((file, i) => interpreter.setInputBytes(i, readBytes(dir, file)));
        interpreter.invoke();
        sample.outputs.forEach((file, j) => {
          const expected = floats(readBytes(dir, file));
          const actual = interpreter.output(j) as Float32Array;
          const largest = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
          let worst = -1;
          for (let e = 0; e < expected.length; e++) {
            const allowed = rtol * Math.abs(expected[e]) + atol * largest;
            if (!(Math.abs(actual[e] - expected[e]) <= allowed) && worst < 0) worst = e;
          }
          assert.is(worst, -1, `sample ${k} output ${j}: element ${worst} is ${actual[worst]}, TFLite ${expected[worst]}`);
        });
      }
    });
  }

  floatKernels.run();
}
