// Every conformance case (../shared/conformance and test/fixtures/cases) on both engine builds:
// each output byte must equal TFLite's reference kernels' output. A case may be skipped only
// when the engine says it lacks an operator or a data type; a case whose operators are all
// implemented (for int16 I/O: implemented for int16) must run.

import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Interpreter, TinyqError } from '../../src/index.js';
import { Case, fixtureCaseRoots, listCases, readBytes, sharedConformanceDir } from '../conformance.js';

const IMPLEMENTED = new Set([
  'CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED', 'AVERAGE_POOL_2D', 'MAX_POOL_2D', 'ADD', 'RESHAPE', 'SOFTMAX',
  'QUANTIZE', 'DEQUANTIZE',
  'RELU', 'RELU6', 'RELU_N1_TO_1', 'LEAKY_RELU', 'PRELU', 'HARD_SWISH', 'LOGISTIC', 'TANH', 'L2_NORMALIZATION',
  'ABS', 'NEG', 'RSQRT',
  'UNIDIRECTIONAL_SEQUENCE_LSTM',
  'SVDF',
  'SUB', 'MUL', 'DIV', 'MAXIMUM', 'MINIMUM', 'SQUARED_DIFFERENCE',
  'MEAN', 'SUM', 'REDUCE_MAX', 'REDUCE_MIN', 'ARG_MAX', 'ARG_MIN', 'L2_POOL_2D', 'RESIZE_BILINEAR',
  'RESIZE_NEAREST_NEIGHBOR', 'TRANSPOSE_CONV', 'BATCH_MATMUL',
  'CONCATENATION', 'TRANSPOSE', 'STRIDED_SLICE', 'SPLIT', 'SPLIT_V', 'PACK', 'UNPACK', 'PAD', 'PADV2', 'MIRROR_PAD',
  'GATHER', 'SPACE_TO_DEPTH', 'DEPTH_TO_SPACE', 'SQUEEZE', 'EXPAND_DIMS', 'SLICE', 'FILL', 'SHAPE', 'CAST',
]);
// Operators with int16 (16x8) kernels: a case with int16 inputs or outputs must run when all its operators are here.
const INT16_IMPLEMENTED = new Set(['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED', 'QUANTIZE', 'DEQUANTIZE', 'SVDF', 'SOFTMAX', 'ADD', 'SUB']);
// The published models the engine core must run (issue: engine core acceptance).
const REQUIRED = ['vww_96_int8', 'kws_ref_model', 'pretrainedResnet_quant', 'ad01_int8', 'person_detect',
  'hello_world_int8', 'micro_speech_quantized', 'digits_cnn', 'digits_mlp'];

function mustRun(spec: Case['spec']): boolean {
  const int16 = [...spec.inputs, ...spec.outputs].some((t) => t.dtype === 'int16');
  return spec.ops.every((op) => (int16 ? INT16_IMPLEMENTED : IMPLEMENTED).has(op));
}

const shared = listCases(sharedConformanceDir);
const fixtures = fixtureCaseRoots().flatMap(listCases);
if (shared.length === 0) console.log(`conformance: ${sharedConformanceDir} not found; running only the repo's fixtures`);

/** Loads the case, or returns the reason it is skipped; errors of cases that must run are rethrown in their test. */
async function tryLoad(testCase: Case, engine: 'scalar' | 'simd'): Promise<Interpreter | Error | string> {
  try {
    return await Interpreter.load(path.join(testCase.dir, 'model.tflite'), { engine });
  } catch (error) {
    const unsupported = error instanceof TinyqError && (error.code === 'UNSUPPORTED_OPERATOR' || error.code === 'UNSUPPORTED_TYPE');
    return unsupported && !mustRun(testCase.spec) ? (error as Error).message : (error as Error);
  }
}

for (const engine of ['scalar', 'simd'] as const) {
  const conformance = suite(`conformance (${engine})`);
  const skipped: string[] = [];

  for (const testCase of [...shared, ...fixtures]) {
    const { spec, dir } = testCase;
    const loaded = await tryLoad(testCase, engine);
    if (typeof loaded === 'string') {
      skipped.push(`${spec.name}: ${loaded}`);
      continue;
    }
    conformance(`${spec.name} [${spec.ops.join(', ')}]`, () => {
      if (loaded instanceof Error) throw loaded;
      const interpreter = loaded;
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

  conformance('the engine core runs every required published model', () => {
    if (shared.length === 0) return;
    const names = new Set(shared.map((c) => c.spec.name));
    for (const name of REQUIRED) assert.ok(names.has(name), `${name} is missing from ../shared/conformance`);
    const skippedRequired = skipped.filter((line) => REQUIRED.some((name) => line.startsWith(`${name}:`)));
    assert.equal(skippedRequired, []);
  });

  if (skipped.length > 0) {
    console.log(`conformance (${engine}): ${skipped.length} cases skipped (no test registered for them):`);
    for (const line of skipped) console.log(`  skip ${line}`);
  }

  conformance.run();
}
