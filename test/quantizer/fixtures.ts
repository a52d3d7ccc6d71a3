// The quantizer's fixtures (test/fixtures/quantizer, made by gen_quantizer.py) and the digits
// cases of ../shared/conformance: float models, calibration samples and labelled eval sets.

import fs from 'node:fs';
import path from 'node:path';
import { fixturesDir, sharedConformanceDir } from '../conformance.js';

export const quantizerFixtures = path.join(fixturesDir, 'quantizer');

export interface ClassifierCase {
  name: string;
  floatModel: Uint8Array;
  /** calibration[n][0]: sample n of the only input. */
  calibration: Float32Array[][];
  evalInputs: Float32Array[];
  labels: Uint8Array;
  floatAccuracy: number;
  tfliteInt8Accuracy: number;
}

interface EvalSpec {
  calibration: { file: string; shape: number[] };
  eval: { inputs: string; labels: string; inputs_shape: number[]; scale?: number; zero_point?: number; float_accuracy: number; int8_accuracy_tflite: number };
  inputs?: { scale: number; zero_point: number }[];
}

function rows(values: Float32Array, count: number): Float32Array[] {
  const size = values.length / count;
  return Array.from({ length: count }, (_, n) => values.slice(n * size, (n + 1) * size));
}

/** A classifier case folder: digits in ../shared (eval inputs int8 at the model input's quantization) or accel_cnn. */
export function classifierCase(dir: string): ClassifierCase | undefined {
  if (!fs.existsSync(path.join(dir, 'case.json'))) return undefined;
  const spec = JSON.parse(fs.readFileSync(path.join(dir, 'case.json'), 'utf8')) as EvalSpec;
  const read = (file: string) => fs.readFileSync(path.join(dir, file));
  const calib = new Float32Array(new Uint8Array(read(spec.calibration.file)).buffer);
  // int8 eval inputs stand for q * scale (zero point subtracted): the eval's own scale, or the int8 model input's.
  const scale = spec.eval.scale ?? spec.inputs![0].scale;
  const zeroPoint = spec.eval.zero_point ?? spec.inputs![0].zero_point;
  const quantized = new Int8Array(new Uint8Array(read(spec.eval.inputs)).buffer);
  const evalFloat = Float32Array.from(quantized, (q) => scale * (q - zeroPoint));
  const labels = new Uint8Array(read(spec.eval.labels));
  return {
    name: path.basename(dir),
    floatModel: new Uint8Array(read('model_float.tflite')),
    calibration: rows(calib, spec.calibration.shape[0]).map((sample) => [sample]),
    evalInputs: rows(evalFloat, labels.length),
    labels,
    floatAccuracy: spec.eval.float_accuracy,
    tfliteInt8Accuracy: spec.eval.int8_accuracy_tflite,
  };
}

/** digits_cnn and digits_mlp when ../shared is present, and accel_cnn (the model the quantizer was not developed on). */
export function classifierCases(): ClassifierCase[] {
  return [path.join(sharedConformanceDir, 'digits_cnn'), path.join(sharedConformanceDir, 'digits_mlp'), path.join(quantizerFixtures, 'accel_cnn')]
    .map(classifierCase).filter((c): c is ClassifierCase => c !== undefined);
}
