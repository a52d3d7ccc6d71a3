// The quantizer against TensorFlow Lite's quantization spec: the invariants of the models it
// writes, the round trip float -> quantize -> run in tinyq, the accuracy acceptance on the
// digits models and on accel_cnn, and the written flatbuffer read back by tinyq's reader.

import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Interpreter } from '../../src/index.js';
import { accuracy, argmax, quantizeModel, type QuantizeOptions } from '../../src/quantizer/index.js';
import { asymmetricParameters, MIN_ACTIVATION_SCALE } from '../../src/quantizer/calibrate.js';
import { parseArrayFile } from '../../src/quantizer/data.js';
import { Op, OptionsType, TensorType, TfliteBuilder } from '../../src/tflite/builder.js';
import { readTflite, writeTflite, type TfliteModel } from '../../src/tflite/reader.js';
import { fixturesDir } from '../conformance.js';
import { classifierCases } from './fixtures.js';

const cases = classifierCases();
const smallCnn = new Uint8Array(fs.readFileSync(path.join(fixturesDir, 'float', 'small_cnn', 'model.tflite')));
/** Seeded uniform samples on [0, 1) for small_cnn (its input is [1, 10, 10, 3]). */
function uniformSamples(count: number, size: number, seed: number): Float32Array[] {
  let state = seed;
  const next = () => ((state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32);
  return Array.from({ length: count }, () => Float32Array.from({ length: size }, next));
}
const smallCnnCalibration = uniformSamples(24, 300, 1).map((sample) => [sample]);

const ARG_MAX = 56;
const ARG_MAX_OPTIONS = 40;

/** TFLite's int4 layout: two values per byte, the even element in the low nibble. */
function unpackInt4(packed: Uint8Array, count: number): Int8Array {
  return Int8Array.from({ length: count }, (_, i) => (((packed[i >> 1] >> (4 * (i & 1))) & 0x0F) << 28) >> 28);
}

const ulp = (x: number) => Math.abs(x) * 2 ** -23;

/** The spec's invariants on every tensor and operator of a written model. */
function checkSpec(model: TfliteModel, options: QuantizeOptions = {}): void {
  const wide = options.mode === 'int16x8';
  const activationType = wide ? TensorType.INT16 : TensorType.INT8;
  const weightMax = options.weightBits === 4 ? 7 : 127;
  const weightMin = options.weightBits === 4 ? -8 : -127;
  const quantOf = (t: number) => model.tensors[t].quantization!;
  const same = (a: number, b: number, what: string) => {
    assert.equal(quantOf(a).scale, quantOf(b).scale, `${what}: ${model.tensors[a].name} and ${model.tensors[b].name} share the scale`);
    assert.equal(quantOf(a).zeroPoint, quantOf(b).zeroPoint, `${what}: zero points`);
  };
  for (const [index, op] of model.operators.entries()) {
    const where = `operator ${index} (code ${op.code})`;
    const output = model.tensors[op.outputs[0]];
    if (op.code === Op.QUANTIZE || op.code === Op.DEQUANTIZE || output.type === TensorType.FLOAT32) continue;
    for (const t of [...op.inputs, ...op.outputs]) {
      const tensor = model.tensors[t];
      if (t < 0 || tensor.data || tensor.type === TensorType.INT32) continue;
      assert.is(tensor.type, activationType, `${where}: activation ${tensor.name} type`);
      const q = quantOf(t);
      assert.is(q.scale.length, 1, `${where}: per-tensor activation quantization`);
      assert.ok(q.scale[0] > 0, 'positive scale');
      if (wide) assert.is(q.zeroPoint[0], 0, `${where}: int16 activations are symmetric`);
      else assert.ok(Number.isInteger(q.zeroPoint[0]) && q.zeroPoint[0] >= -128 && q.zeroPoint[0] <= 127, `${where}: zero point in int8`);
    }
    if (op.code === Op.CONV_2D || op.code === Op.DEPTHWISE_CONV_2D || op.code === Op.FULLY_CONNECTED) {
      const weights = model.tensors[op.inputs[1]];
      const wq = weights.quantization!;
      const axis = op.code === Op.DEPTHWISE_CONV_2D ? 3 : 0;
      const channels = weights.shape[axis];
      assert.is(weights.type, options.weightBits === 4 ? TensorType.INT4 : TensorType.INT8, `${where}: weight type`);
      assert.ok(wq.zeroPoint.every((z) => z === 0), `${where}: symmetric weights (zero point 0)`);
      assert.is(wq.scale.length, options.perTensor ? 1 : channels, `${where}: ${options.perTensor ? 'one scale' : 'a scale per output channel'}`);
      if (!options.perTensor) assert.is(wq.axis, axis, `${where}: quantized dimension`);
      const values = options.weightBits === 4 ? unpackInt4(weights.data!, weights.shape.reduce((a, b) => a * b, 1)) : new Int8Array(weights.data!.buffer, weights.data!.byteOffset, weights.data!.length);
      const inner = weights.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
      const largest = new Array<number>(wq.scale.length).fill(0);
      values.forEach((v, i) => {
        assert.ok(v >= weightMin && v <= weightMax, `${where}: weight ${v} inside [${weightMin}, ${weightMax}]`);
        const c = options.perTensor ? 0 : Math.floor(i / inner) % channels;
        largest[c] = Math.max(largest[c], Math.abs(v));
      });
      largest.forEach((m, c) => assert.is(m, weightMax, `${where}: channel ${c} uses the full symmetric range`));
      if (op.inputs.length > 2 && op.inputs[2] >= 0) {
        const bias = model.tensors[op.inputs[2]];
        const inputScale = quantOf(op.inputs[0]).scale[0];
        assert.is(bias.type, wide ? TensorType.INT64 : TensorType.INT32, `${where}: bias type`);
        assert.ok(bias.quantization!.zeroPoint.every((z) => z === 0), `${where}: bias zero point 0`);
        bias.quantization!.scale.forEach((s, c) => {
          const expected = inputScale * wq.scale[options.perTensor ? 0 : c];
          assert.ok(Math.abs(s - expected) <= ulp(expected), `${where}: bias scale ${s} = input scale x weight scale ${expected}`);
        });
      }
    }
    const fixed: Record<number, [number, number]> = wide ? { [Op.SOFTMAX]: [1 / 32768, 0] } : { [Op.SOFTMAX]: [1 / 256, -128], [Op.LOGISTIC]: [1 / 256, -128], [Op.TANH]: [1 / 128, 0] };
    if (fixed[op.code]) assert.equal([quantOf(op.outputs[0]).scale[0], quantOf(op.outputs[0]).zeroPoint[0]], fixed[op.code], `${where}: the fixed output quantization`);
    if (op.code === Op.CONCATENATION) op.inputs.forEach((t) => same(t, op.outputs[0], where));
    if ([Op.RESHAPE, Op.MAX_POOL_2D, Op.AVERAGE_POOL_2D, Op.PAD].includes(op.code as never)) same(op.inputs[0], op.outputs[0], where);
  }
}

test('asymmetric activation parameters: the range widened to hold 0, a nudged zero point', () => {
  assert.equal(asymmetricParameters({ min: 0, max: 1 }, -128, 127), { scale: Math.fround(1 / 255), zeroPoint: -128 });
  assert.equal(asymmetricParameters({ min: 0.5, max: 2 }, -128, 127), { scale: Math.fround(2 / 255), zeroPoint: -128 });
  assert.equal(asymmetricParameters({ min: -3, max: -1 }, -128, 127), { scale: Math.fround(3 / 255), zeroPoint: 127 });
  const { scale, zeroPoint } = asymmetricParameters({ min: -1, max: 2 }, -128, 127);
  assert.is(zeroPoint, Math.round(-128 + 1 / scale));
  assert.equal(asymmetricParameters({ min: 0, max: 0 }, -128, 127), { scale: 1, zeroPoint: 0 });
  // A nearly constant tensor keeps a scale TFLite accepts (6 / scale fits int32 for RELU6).
  assert.equal(asymmetricParameters({ min: 0, max: 1e-9 }, -128, 127), { scale: MIN_ACTIVATION_SCALE, zeroPoint: -128 });
});

for (const c of cases) {
  test(`${c.name}: default quantization keeps TFLite's int8 accuracy (>= ${(100 * c.tfliteInt8Accuracy).toFixed(2)}% - 0.3 pt) and the spec`, async () => {
    const { model, keptFloat } = await quantizeModel(c.floatModel, c.calibration);
    assert.equal(keptFloat, [], 'every operator is quantized');
    checkSpec(readTflite(model));
    const interpreter = await Interpreter.load(model);
    assert.equal(interpreter.inputs.map((t) => t.dtype), ['int8']);
    const measured = accuracy(interpreter, c.evalInputs, c.labels);
    assert.ok(measured >= c.tfliteInt8Accuracy - 0.003, `accuracy ${measured} vs TFLite's ${c.tfliteInt8Accuracy}`);
  });
}

const OPTION_SETS: QuantizeOptions[] = [
  {},
  { calibrator: 'percentile', io: 'float32' },
  { calibrator: 'mse', io: 'uint8' },
  { calibrator: 'entropy', perTensor: true },
  { weightBits: 4 },
  { mode: 'int16x8', io: 'float32' },
  { keepFloat: ['SOFTMAX', '#1'] },
  { weightClusters: 16 },
];

for (const options of OPTION_SETS) {
  test(`small_cnn ${JSON.stringify(options)}: the spec holds and tinyq runs it close to the float model`, async () => {
    const { model, keptFloat } = await quantizeModel(smallCnn, smallCnnCalibration, options);
    checkSpec(readTflite(model), options);
    if (options.keepFloat) assert.equal(keptFloat.map((k) => k.operator).sort(), [1, 14]);
    const floatModel = await Interpreter.load(smallCnn);
    const quantized = await Interpreter.load(model);
    let worst = 0;
    let agreeing = 0;
    const samples = uniformSamples(20, 300, 99);
    for (const sample of samples) {
      floatModel.setInput(0, sample);
      floatModel.invoke();
      quantized.setInput(0, sample);
      quantized.invoke();
      const expected = floatModel.output(0, 'float') as Float32Array;
      const actual = quantized.output(0, 'float') as Float32Array;
      expected.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - actual[k]))));
      if (argmax(expected) === argmax(actual)) agreeing++;
    }
    // Softmax probabilities of a random network on random inputs: 4-bit weights lose most.
    assert.ok(worst < (options.weightBits === 4 ? 0.15 : 0.1), `largest probability error ${worst}`);
    assert.ok(agreeing >= samples.length * 0.8, `top-1 agreement ${agreeing} / ${samples.length}`);
  });
}

test('a TANH or LOGISTIC output joining a wider CONCATENATION is requantized, not clipped to its fixed range', async () => {
  const { model } = await quantizeModel(smallCnn, smallCnnCalibration);
  const read = readTflite(model);
  const producer = new Map(read.operators.flatMap((op) => op.outputs.map((t) => [t, op.code] as const)));
  for (const concat of read.operators.filter((op) => op.code === Op.CONCATENATION)) {
    const sources = concat.inputs.map((t) => producer.get(t));
    assert.ok(!sources.includes(Op.TANH) && !sources.includes(Op.LOGISTIC), 'fixed-scale outputs reach CONCATENATION through QUANTIZE');
    const requantizations = concat.inputs.filter((t) => producer.get(t) === Op.QUANTIZE);
    assert.is(requantizations.length, 1);
    const from = read.operators.find((op) => op.outputs[0] === requantizations[0])!.inputs[0];
    assert.ok([Op.TANH, Op.LOGISTIC].includes(producer.get(from) as never));
    assert.is(read.tensors[from].type, TensorType.INT8, 'an int8 -> int8 requantization');
  }
});

test('calibrators: percentile, mse and entropy ranges lie inside the min/max range; int16 entropy clips nothing', async () => {
  const { ranges: minmax } = await quantizeModel(smallCnn, smallCnnCalibration);
  for (const calibrator of ['percentile', 'mse', 'entropy'] as const) {
    const { ranges } = await quantizeModel(smallCnn, smallCnnCalibration, { calibrator });
    assert.equal([...ranges.keys()], [...minmax.keys()], 'every float activation is calibrated');
    let narrower = 0;
    for (const [tensor, range] of ranges) {
      const bounds = minmax.get(tensor)!;
      assert.ok(range.min >= bounds.min - 1e-6 && range.max <= bounds.max + 1e-6, `${calibrator} tensor ${tensor}`);
      if (range.max - range.min < bounds.max - bounds.min - 1e-6) narrower++;
    }
    assert.ok(narrower > 0, `${calibrator} clips some tensor`);
  }
  const { ranges: wide } = await quantizeModel(smallCnn, smallCnnCalibration, { calibrator: 'entropy', mode: 'int16x8' });
  for (const [tensor, range] of wide) assert.equal(range, minmax.get(tensor));
});

test('--keep-float by output tensor name keeps that operator in float, between DEQUANTIZE and QUANTIZE', async () => {
  const float = readTflite(smallCnn);
  const add = float.operators.findIndex((op) => op.code === Op.ADD);
  const name = float.tensors[float.operators[add].outputs[0]].name;
  const { model, keptFloat } = await quantizeModel(smallCnn, smallCnnCalibration, { keepFloat: [name] });
  assert.equal(keptFloat, [{ operator: add, name: 'ADD', reason: `--keep-float ${name}` }]);
  const read = readTflite(model);
  const written = read.operators.find((op) => op.code === Op.ADD)!;
  assert.ok([...written.inputs, ...written.outputs].every((t) => read.tensors[t].type === TensorType.FLOAT32));
  assert.is(read.operators.filter((op) => op.code === Op.DEQUANTIZE).length, 2);
  checkSpec(read);
});

test('an operator without an integer kernel (ARG_MAX) stays float; its int32 output stays int32', async () => {
  const builder = new TfliteBuilder();
  const weights = Float32Array.from({ length: 12 }, (_, i) => Math.sin(i + 1));
  const x = builder.addTensor({ name: 'x', shape: [1, 4], type: TensorType.FLOAT32 });
  const w = builder.addTensor({ name: 'w', shape: [3, 4], type: TensorType.FLOAT32, data: new Uint8Array(weights.buffer) });
  const scores = builder.addTensor({ name: 'scores', shape: [1, 3], type: TensorType.FLOAT32 });
  const axis = builder.addTensor({ name: 'axis', shape: [], type: TensorType.INT32, data: new Uint8Array(Int32Array.of(1).buffer) });
  const index = builder.addTensor({ name: 'index', shape: [1], type: TensorType.INT32 });
  builder.addOperator({ code: Op.FULLY_CONNECTED, version: 1, inputs: [x, w, -1], outputs: [scores], options: { type: OptionsType.FULLY_CONNECTED, fields: [] } });
  builder.addOperator({ code: ARG_MAX, version: 1, inputs: [scores, axis], outputs: [index], options: { type: ARG_MAX_OPTIONS, fields: [[0, 'i8', TensorType.INT32]] } });
  const floatModel = builder.serialize([x], [scores, index], 'fc + argmax');
  const samples = uniformSamples(16, 4, 3).map((sample) => sample.map((v) => 2 * v - 1));
  const { model, keptFloat } = await quantizeModel(floatModel, samples.map((sample) => [sample]));
  assert.equal(keptFloat.map((k) => k.reason), ['no integer kernel in tinyq']);
  const quantized = await Interpreter.load(model);
  assert.equal(quantized.outputs.map((t) => t.dtype), ['int8', 'int32']);
  const float = await Interpreter.load(floatModel);
  let agreeing = 0;
  for (const sample of samples) {
    float.setInput(0, sample);
    float.invoke();
    quantized.setInput(0, sample);
    quantized.invoke();
    assert.is(quantized.output(1)[0], argmax(quantized.output(0, 'float') as Float32Array));
    if (float.output(1)[0] === quantized.output(1)[0]) agreeing++;
  }
  assert.ok(agreeing >= 14, `the float and quantized ARG_MAX agree on ${agreeing} of 16`);
});

test('4-bit weights are packed two per byte: the model shrinks and gives the outputs of the same weights in int8', async () => {
  const { model: packed } = await quantizeModel(smallCnn, smallCnnCalibration, { weightBits: 4 });
  const read = readTflite(packed);
  const filters = read.operators.filter((op) => [Op.CONV_2D, Op.DEPTHWISE_CONV_2D, Op.FULLY_CONNECTED].includes(op.code as never)).map((op) => op.inputs[1]);
  let saved = 0;
  for (const t of filters) {
    const tensor = read.tensors[t];
    const count = tensor.shape.reduce((a, b) => a * b, 1);
    assert.is(tensor.data!.length, Math.ceil(count / 2));
    tensor.data = new Uint8Array(unpackInt4(tensor.data!, count).buffer);
    tensor.type = TensorType.INT8;
    saved += count - Math.ceil(count / 2);
  }
  const unpacked = writeTflite(read);
  assert.ok(unpacked.length - packed.length >= saved - 64, `${unpacked.length} - ${packed.length} bytes saved`);
  const [a, b] = [await Interpreter.load(packed), await Interpreter.load(unpacked)];
  for (const sample of uniformSamples(5, 300, 8)) {
    a.setInput(0, sample);
    b.setInput(0, sample);
    a.invoke();
    b.invoke();
    assert.equal(a.outputBytes(0), b.outputBytes(0));
  }
});

test('k-means weights: each output channel takes at most K values, and the spec still holds', async () => {
  for (const clusters of [4, 16]) {
    const { model } = await quantizeModel(smallCnn, smallCnnCalibration, { weightClusters: clusters });
    const read = readTflite(model);
    checkSpec(read);
    for (const op of read.operators.filter((o) => o.code === Op.CONV_2D || o.code === Op.FULLY_CONNECTED)) {
      const weights = read.tensors[op.inputs[1]];
      const perChannel = weights.data!.length / weights.shape[0];
      const values = new Int8Array(weights.data!.buffer, weights.data!.byteOffset, weights.data!.length);
      for (let c = 0; c < weights.shape[0]; c++) {
        const distinct = new Set(values.subarray(c * perChannel, (c + 1) * perChannel)).size;
        assert.ok(distinct <= clusters, `channel ${c}: ${distinct} distinct weights`);
      }
    }
  }
});

test('a written model reads back with tinyq\'s reader and writes to the same bytes', async () => {
  for (const options of OPTION_SETS) {
    const { model } = await quantizeModel(smallCnn, smallCnnCalibration, options);
    const read = readTflite(model);
    assert.equal(writeTflite(read), model, JSON.stringify(options));
  }
});

test('the public API: quantizeModel, classifierAccuracy and compareModels from the package entry', async () => {
  const api = await import('../../src/index.js');
  const { model } = await api.quantizeModel(smallCnn, smallCnnCalibration, { io: 'float32' });
  const quantized = await api.Interpreter.load(model);
  assert.equal(quantized.inputs.map((t) => t.dtype), ['float32']);
  const floatModel = await api.Interpreter.load(smallCnn);
  const samples = uniformSamples(4, 300, 5);
  const comparison = await api.compareModels(floatModel, quantized, samples, [0, 1, 2, 3]);
  assert.is(comparison.layers.length, readTflite(smallCnn).operators.length);
  assert.ok(comparison.layers.every((layer) => layer.sqnr > 15), comparison.layers.map((l) => `${l.name} ${l.sqnr}`).join(', '));
  assert.is(comparison.quantizedAccuracy, await api.classifierAccuracy(quantized, samples, [0, 1, 2, 3]));
});

test('quantizing a quantized model is refused with a clear error', async () => {
  const digits = fs.readFileSync(path.join(fixturesDir, '..', '..', 'examples', 'digits', 'model.tflite'));
  try {
    await quantizeModel(new Uint8Array(digits), smallCnnCalibration);
    assert.unreachable('expected an error');
  } catch (error) {
    assert.match((error as Error).message, /float32/);
  }
});

test('.npy samples and labels are read with their dtype and shape', () => {
  const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  const padded = header.padEnd(117, ' ') + '\n';
  const bytes = new Uint8Array(10 + padded.length + 24);
  bytes.set([0x93, ...new TextEncoder().encode('NUMPY'), 1, 0, padded.length, 0]);
  bytes.set(new TextEncoder().encode(padded), 10);
  new Float32Array(bytes.buffer, 10 + padded.length, 6).set([1, 2, 3, 4, 5, 6.5]);
  const file = parseArrayFile(bytes, 'float32', 'x.npy');
  assert.equal(file.shape, [2, 3]);
  assert.equal(Array.from(file.values), [1, 2, 3, 4, 5, 6.5]);
  assert.equal(Array.from(parseArrayFile(Uint8Array.of(3, 1, 4), 'uint8', 'labels').values), [3, 1, 4]);
});

test.run();
