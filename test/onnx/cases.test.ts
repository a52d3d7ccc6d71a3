// Every ONNX case of ../shared/onnx and test/fixtures/onnx, loaded as .onnx (converted at load)
// on both engine builds: each output within one output quantization step of onnxruntime's
// (compared on requantized integers), and the digits classifiers' accuracy within half a point
// of onnxruntime's. A case waits (no test registered, reason printed) only while the engine
// reports that it lacks one of the TFLite operators the converted model needs.

import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { accuracy, fixtureOnnxDir, largestStepDifference, listOnnxCases, loadOrWait, sharedOnnxDir, type OnnxCase } from './cases.js';

const shared = listOnnxCases(sharedOnnxDir);
const fixtures = listOnnxCases(fixtureOnnxDir);
if (shared.length === 0) console.log(`onnx: ${sharedOnnxDir} not found; running only the repo's ONNX fixtures`);

/** Largest accepted difference in output quantization steps. */
const STEP_TOLERANCE = 1;
const ACCURACY_POINTS = 0.5;

for (const engine of ['scalar', 'simd'] as const) {
  const onnx = suite(`onnx cases (${engine})`);
  const waiting: string[] = [];
  const all: OnnxCase[] = [...shared, ...fixtures];
  for (const testCase of all) {
    const { spec, dir } = testCase;
    const loaded = await loadOrWait(path.join(dir, spec.model), engine).catch((error: Error) => error);
    if (!(loaded instanceof Error) && 'waitsFor' in loaded) {
      waiting.push(`${spec.name}: waits for ${loaded.waitsFor} (${loaded.message})`);
      continue;
    }
    onnx(`${spec.name} within ${STEP_TOLERANCE} output step(s) of onnxruntime`, () => {
      if (loaded instanceof Error) throw loaded;
      const largest = largestStepDifference(loaded, testCase);
      assert.ok(largest <= STEP_TOLERANCE, `${spec.name}: largest difference ${largest} steps`);
    });
    if (spec.eval) {
      onnx(`${spec.name} accuracy within ${ACCURACY_POINTS} points of onnxruntime`, () => {
        if (loaded instanceof Error) throw loaded;
        const measured = accuracy(loaded, testCase) * 100;
        const reference = spec.eval!.int8_accuracy_onnxruntime * 100;
        assert.ok(Math.abs(measured - reference) <= ACCURACY_POINTS, `${spec.name}: accuracy ${measured.toFixed(2)}%, onnxruntime ${reference.toFixed(2)}%`);
      });
    }
  }
  if (waiting.length > 0) {
    console.log(`onnx cases (${engine}): ${waiting.length} cases wait for engine operators (no test registered for them):`);
    for (const line of waiting) console.log(`  skip ${line}`);
  }
  onnx.run();
}
