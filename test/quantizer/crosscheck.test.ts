// Models written by `tinyq quantize` against TensorFlow Lite: test/fixtures/quantizer/crosscheck
// (gen_quantizer.py) holds written models, input samples and the outputs TFLite's reference
// kernels give for them (so TFLite loaded each model). tinyq must give the same output bytes on
// both builds, and quantizing the float model again with the same options must give the same
// model bytes (the fixtures match the current quantizer).

import fs from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Interpreter } from '../../src/index.js';
import { quantizeModel, type QuantizeOptions } from '../../src/quantizer/index.js';
import { parseArrayFile, samplesOf } from '../../src/quantizer/data.js';
import { listCases, repoRoot } from '../conformance.js';
import { quantizerFixtures } from './fixtures.js';

interface CrosscheckSpec {
  name: string;
  float_model: string;
  calibration: string;
  options: string[];
  samples: number;
  ops: string[];
}

const cases = listCases<CrosscheckSpec>(path.join(quantizerFixtures, 'crosscheck'));

/** The API options of `tinyq quantize` flags. */
function optionsOf(flags: string[]): QuantizeOptions {
  const options: QuantizeOptions = {};
  for (let i = 0; i < flags.length; i++) {
    const value = flags[i + 1];
    switch (flags[i]) {
      case '--calibrator': options.calibrator = value as QuantizeOptions['calibrator']; i++; break;
      case '--io': options.io = value as QuantizeOptions['io']; i++; break;
      case '--mode': options.mode = value as QuantizeOptions['mode']; i++; break;
      case '--weight-bits': options.weightBits = Number(value) as QuantizeOptions['weightBits']; i++; break;
      case '--keep-float': options.keepFloat = [...options.keepFloat ?? [], value]; i++; break;
      case '--weight-clusters': options.weightClusters = Number(value); i++; break;
      case '--per-tensor': options.perTensor = true; break;
      default: throw new Error(`unknown flag ${flags[i]}`);
    }
  }
  return options;
}

const crosscheck = suite('tinyq quantize vs TFLite');

crosscheck('the fixtures are present', () => {
  assert.ok(cases.length >= 5, `found ${cases.length} cases`);
});

for (const { spec, dir } of cases) {
  const model = new Uint8Array(fs.readFileSync(path.join(dir, 'quantized.tflite')));
  for (const engine of ['scalar', 'simd'] as const) {
    crosscheck(`${spec.name} (${engine}): tinyq gives TFLite's outputs [${spec.ops.join(', ')}]`, async () => {
      const interpreter = await Interpreter.load(model, { engine });
      const inputs = fs.readFileSync(path.join(dir, 'inputs.bin'));
      const expected = fs.readFileSync(path.join(dir, 'tflite_outputs.bin'));
      const [input] = interpreter.inputs;
      const outputBytes = interpreter.outputs[0].bytes;
      for (let k = 0; k < spec.samples; k++) {
        interpreter.setInputBytes(0, new Uint8Array(inputs.subarray(k * input.bytes, (k + 1) * input.bytes)));
        interpreter.invoke();
        const want = expected.subarray(k * outputBytes, (k + 1) * outputBytes);
        assert.equal(Array.from(interpreter.outputBytes(0)), Array.from(want), `sample ${k}`);
      }
    });
  }
  const floatPath = path.join(repoRoot, spec.float_model);
  if (!fs.existsSync(floatPath)) continue;
  crosscheck(`${spec.name}: quantizing again with ${spec.options.join(' ') || 'the defaults'} gives the same model`, async () => {
    const floatModel = new Uint8Array(fs.readFileSync(floatPath));
    const shape = (await Interpreter.load(floatModel)).inputs[0].shape;
    const calibration = samplesOf(parseArrayFile(new Uint8Array(fs.readFileSync(path.join(repoRoot, spec.calibration))), 'float32', spec.calibration), shape, spec.calibration);
    const { model: again } = await quantizeModel(floatModel, calibration.map((sample) => [sample]), optionsOf(spec.options));
    assert.ok(Buffer.from(again).equals(Buffer.from(model)), 'the model differs from the fixture: regenerate with test/fixtures/gen_quantizer.py');
  });
}

crosscheck.run();
