// GATHER with positions given at run time: a position outside the gathered axis stops the
// invocation with an error naming the operator (never a read outside the input), and the next
// invocation with valid positions runs normally. Uses the gather_runtime_positions fixture:
// x [1,10,8] int8, positions [2,3] int32, gathered along axis 1.

import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Interpreter, TinyqError } from '../../src/index.js';
import { fixturesDir } from '../conformance.js';

const caseDir = path.join(fixturesDir, 'cases_movement', 'gather_runtime_positions');
const read = (file: string) => new Uint8Array(fs.readFileSync(path.join(caseDir, file)));
const positionBytes = (values: number[]) => new Uint8Array(Int32Array.from(values).buffer);

for (const engine of ['scalar', 'simd'] as const) {
  test(`GATHER refuses run-time positions outside the axis (${engine})`, async () => {
    const interpreter = await Interpreter.load(path.join(caseDir, 'model.tflite'), { engine });
    interpreter.setInputBytes(0, read('s0_in0.bin'));
    for (const bad of [[0, 1, 2, 3, 4, 10], [0, -1, 2, 3, 4, 5]]) {
      interpreter.setInputBytes(1, positionBytes(bad));
      try {
        interpreter.invoke();
        assert.unreachable(`positions ${bad} were accepted`);
      } catch (error) {
        assert.instance(error, TinyqError);
        assert.is((error as TinyqError).code, 'INVALID_ARGUMENT');
        assert.match((error as Error).message, /GATHER.*outside \[0, 10\)/);
      }
    }
    interpreter.setInputBytes(1, read('s0_in1.bin'));
    interpreter.invoke();
    assert.equal(interpreter.outputBytes(0), read('s0_out0.bin'));
  });
}

test.run();
