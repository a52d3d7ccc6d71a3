// The ONNX importer on its own: float models become float TFLite graphs (which the engine runs), ONNX is recognized by
// content, quantized graphs keep the ONNX model's inputs and outputs, and what cannot be
// converted fails with a TinyqError naming the operator or attribute and the node.

import fs from 'node:fs';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { convertOnnx, Interpreter, TinyqError } from '../../src/index.js';
import { readTflite, writeTflite } from '../../src/tflite/reader.js';
import { repoRoot } from '../conformance.js';
import { fixtureOnnxDir, largestStepDifference, listOnnxCases, missingEngineOperator, sharedOnnxDir } from './cases.js';

const { onnx } = onnxProto;
const FLOAT = 1;
const groupedConv = path.join(fixtureOnnxDir, 'grouped_conv_qdq', 'model_qdq.onnx');

function valueInfo(name: string, shape: number[]) {
  return { name, type: { tensorType: { elemType: FLOAT, shape: { dim: shape.map((dimValue) => ({ dimValue })) } } } };
}

/** A float model: input x [1, 2, 4, 4] -> the given nodes -> output y. */
function floatModel(nodes: object[], outputShape: number[]): Uint8Array {
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name: 'test', node: nodes, input: [valueInfo('x', [1, 2, 4, 4])], output: [valueInfo('y', outputShape)] },
  }).finish();
}

async function convertError(bytes: Uint8Array): Promise<TinyqError> {
  try {
    await convertOnnx(bytes);
  } catch (error) {
    assert.instance(error, TinyqError);
    return error as TinyqError;
  }
  throw new assert.Assertion({ message: 'expected the conversion to fail' } as never);
}

const floatCases = [...listOnnxCases(sharedOnnxDir), ...listOnnxCases(fixtureOnnxDir)];
const waiting: string[] = [];
// The float model is the network the quantized one approximates: its outputs stay within the
// quantization error of onnxruntime's quantized outputs (a tenth of the int8 output range).
const FLOAT_MODEL_STEPS = 25.6;
for (const { spec, dir } of floatCases) {
  let error: unknown;
  let interpreter: Interpreter | undefined;
  try {
    interpreter = await Interpreter.load(path.join(dir, spec.float_model), { engine: 'scalar' });
  } catch (caught) {
    error = caught;
  }
  const waitsFor = missingEngineOperator(error);
  if (waitsFor) {
    waiting.push(`${spec.name} float model: waits for ${waitsFor}`);
    continue;
  }
  if (interpreter) {
    const floatModel = interpreter;
    test(`${spec.name}: the float model converts and runs; its outputs are near the quantized model's`, () => {
      assert.ok(largestStepDifference(floatModel, { spec, dir }) <= FLOAT_MODEL_STEPS);
    });
    continue;
  }
  test(`${spec.name}: the float model converts; the engine refuses only its float tensors`, () => {
    assert.instance(error, TinyqError, `expected UNSUPPORTED_TYPE, got ${error}`);
    assert.is((error as TinyqError).code, 'UNSUPPORTED_TYPE', (error as Error).message);
    assert.match((error as Error).message, /float32/);
  });
}
if (waiting.length > 0) {
  console.log(`onnx float models: ${waiting.length} wait for engine operators (no test registered for them):`);
  for (const line of waiting) console.log(`  skip ${line}`);
}

test('a converted model is a TFLite flatbuffer ("TFL3")', async () => {
  const tflite = await convertOnnx(new Uint8Array(fs.readFileSync(groupedConv)));
  assert.is(new TextDecoder().decode(tflite.subarray(4, 8)), 'TFL3');
});

test('ONNX is recognized by content, whatever the file is called', async () => {
  const bytes = new Uint8Array(fs.readFileSync(groupedConv));
  const fromBytes = await Interpreter.load(bytes);
  assert.is(fromBytes.format, 'onnx');
  const tflite = await Interpreter.load(path.join(repoRoot, 'examples/digits/model.tflite'));
  assert.is(tflite.format, 'tflite');
});

test('a QDQ model becomes integer operators with the ONNX inputs and outputs', async () => {
  const interpreter = await Interpreter.load(groupedConv);
  const names = interpreter.operators().map((op) => op.name);
  assert.equal(names, ['QUANTIZE', 'RESHAPE', 'CONV_2D', 'CONV_2D', 'DEPTHWISE_CONV_2D', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE']);
  assert.equal(interpreter.inputs.map((t) => [t.name, t.dtype, t.shape]), [['input', 'float32', [1, 1, 9, 9]]]);
  assert.equal(interpreter.outputs.map((t) => [t.name, t.dtype, t.shape]), [['output', 'float32', [1, 5]]]);
  const depthwise = interpreter.operators()[4];
  assert.equal(interpreter.tensor(depthwise.inputs[0]).shape, [1, 5, 5, 6], 'activations are NHWC inside the graph');
});

test('a converted model asks for single-rounding requantization in its metadata', async () => {
  const tflite = await convertOnnx(new Uint8Array(fs.readFileSync(groupedConv)));
  assert.is((await Interpreter.load(tflite)).requantizationRoundings, 1);
  // Rewritten without metadata, the same graph requantizes as TFLite's reference kernels.
  assert.is((await Interpreter.load(writeTflite(readTflite(tflite)))).requantizationRoundings, 2);
  const asked = Buffer.from(tflite);
  const at = asked.indexOf('single-rounding');
  assert.ok(at > 0);
  asked.write('double-rounding', at);
  try {
    await Interpreter.load(new Uint8Array(asked));
    assert.unreachable('an unknown rounding mode must be refused');
  } catch (error) {
    assert.instance(error, TinyqError);
    assert.is((error as TinyqError).code, 'INVALID_MODEL');
    assert.match((error as Error).message, 'metadata tinyq.requantization must hold "single-rounding"');
  }
});

const dwsep = listOnnxCases(sharedOnnxDir).find((c) => c.spec.name === 'dwsep_qdq');
if (dwsep) {
  test('single rounding keeps dwsep_qdq within one step of onnxruntime; double rounding does not', async () => {
    const tflite = await convertOnnx(new Uint8Array(fs.readFileSync(path.join(dwsep.dir, dwsep.spec.model))));
    assert.ok(largestStepDifference(await Interpreter.load(tflite), dwsep) <= 1);
    assert.is(largestStepDifference(await Interpreter.load(writeTflite(readTflite(tflite))), dwsep), 2);
  });
}

test('an unsupported operator fails naming the operator and the node', async () => {
  const error = await convertError(floatModel([{ name: 'squash', opType: 'Tanh', input: ['x'], output: ['y'] }], [1, 2, 4, 4]));
  assert.is(error.code, 'UNSUPPORTED_OPERATOR');
  assert.match(error.message, /squash/);
  assert.match(error.message, /Tanh/);
});

test('an unsupported attribute fails naming the attribute and the node', async () => {
  const pool = { name: 'pool_with_indices_order', opType: 'MaxPool', input: ['x'], output: ['y'], attribute: [
    { name: 'kernel_shape', type: onnx.AttributeProto.AttributeType.INTS, ints: [2, 2] },
    { name: 'storage_order', type: onnx.AttributeProto.AttributeType.INT, i: 1 },
  ] };
  const error = await convertError(floatModel([pool], [1, 2, 3, 3]));
  assert.match(error.message, /pool_with_indices_order/);
  assert.match(error.message, /storage_order/);
  const unknown = await convertError(floatModel([{ name: 'odd_relu', opType: 'Relu', input: ['x'], output: ['y'], attribute: [{ name: 'alpha', type: onnx.AttributeProto.AttributeType.FLOAT, f: 0.1 }] }], [1, 2, 4, 4]));
  assert.match(unknown.message, /odd_relu/);
  assert.match(unknown.message, /'alpha'/);
});

test('a dynamically quantized model becomes hybrid layers (float activations, int8 weights)', async () => {
  const model = path.join(repoRoot, 'test/fixtures/onnx_dynamic/conv_dense_dynamic/model_dynamic.onnx');
  const tflite = await convertOnnx(new Uint8Array(fs.readFileSync(model)));
  assert.is(new TextDecoder().decode(tflite.subarray(4, 8)), 'TFL3');
  try {
    await Interpreter.load(tflite);
    assert.unreachable('the engine has no hybrid kernels');
  } catch (error) {
    assert.instance(error, TinyqError);
    assert.is((error as TinyqError).code, 'UNSUPPORTED_TYPE', (error as Error).message);
  }
});

test('ConvInteger outside dynamic quantization is refused, naming the node', async () => {
  const integer = onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'test',
      node: [{ name: 'bare_conv_integer', opType: 'ConvInteger', input: ['x', 'w'], output: ['y'] }],
      initializer: [{ name: 'w', dataType: 3, dims: [1, 1, 1, 1], int32Data: [1] }],
      input: [{ name: 'x', type: { tensorType: { elemType: 3, shape: { dim: [1, 1, 2, 2].map((dimValue) => ({ dimValue })) } } } }],
      output: [{ name: 'y', type: { tensorType: { elemType: 6, shape: { dim: [1, 1, 2, 2].map((dimValue) => ({ dimValue })) } } } }],
    },
  }).finish();
  const error = await convertError(integer);
  assert.match(error.message, /bare_conv_integer/);
  assert.match(error.message, /ConvInteger/);
});

test('bytes that start like ONNX but do not decode are a malformed model', async () => {
  const broken = new Uint8Array([0x08, 0x08, 0x3a, 0xff, 0xff, 0xff, 0x0f, 0x01]);
  try {
    await Interpreter.load(broken);
    assert.unreachable('expected an error');
  } catch (error) {
    assert.instance(error, TinyqError);
    assert.is((error as TinyqError).code, 'MALFORMED_MODEL');
  }
});

test.run();
