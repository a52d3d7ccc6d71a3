// The quantizer's API: a float32 .tflite model and calibration samples in, an integer .tflite
// model out (see calibrate.ts and rewrite.ts), plus the accuracy of a classifier on labelled
// samples, which the CLI's eval, report and sweep commands use.

import type { EngineChoice } from '../engine.js';
import { TinyqError } from '../errors.js';
import { Interpreter } from '../interpreter.js';
import { readTflite } from '../tflite/reader.js';
import { calibrate, type Calibrator, type Progress, type Range } from './calibrate.js';
import { MODES, rewriteQuantized, type KeptFloat, type RewriteOptions } from './rewrite.js';

export { CALIBRATORS, type Calibrator, type Progress, type Range } from './calibrate.js';
export type { IoType, KeptFloat, QuantizationMode, RewriteOptions, WeightBits } from './rewrite.js';

export interface QuantizeOptions extends RewriteOptions {
  /** How activation ranges come from the calibration data (default minmax, as TFLite's converter). */
  calibrator?: Calibrator;
  engine?: EngineChoice;
  /** Called after each calibration sample (per pass). */
  progress?: Progress;
}

export interface QuantizeResult {
  /** The integer .tflite model. */
  model: Uint8Array;
  /** Operators left in float, and why. */
  keptFloat: KeptFloat[];
  /** The calibrated range of every float activation, by tensor index of the float model. */
  ranges: Map<number, Range>;
}

/**
 * Quantizes a float32 TFLite model. `calibration[n][i]` is sample n of input i (float values of
 * the input's shape); the samples should be representative of the data the model will see.
 */
export async function quantizeModel(floatModel: Uint8Array, calibration: Float32Array[][], options: QuantizeOptions = {}): Promise<QuantizeResult> {
  const model = readTflite(floatModel);
  const interpreter = await Interpreter.load(floatModel, { engine: options.engine });
  if (!interpreter.inputs.every((t) => t.dtype === 'float32')) throw new TinyqError('INVALID_MODEL', 'quantize takes a float32 model; this one has integer inputs');
  const ranges = calibrate(interpreter, calibration, options.calibrator ?? 'minmax', MODES[options.mode ?? 'int8'], options.progress);
  const description = `tinyq quantize: ${options.calibrator ?? 'minmax'} calibration on ${calibration.length} samples, ${options.mode ?? 'int8'}, ${options.weightBits ?? 8}-bit ${options.perTensor ? 'per-tensor' : 'per-channel'} weights`;
  const { bytes, keptFloat } = rewriteQuantized(model, ranges, { ...options, description });
  return { model: bytes, keptFloat, ranges };
}

/** Index of the largest value. */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < values.length; k++) if (values[k] > values[best]) best = k;
  return best;
}

/**
 * Top-1 accuracy of a one-input classifier on float samples (quantized with the model's own
 * input scale and zero point when its input is quantized) and their labels.
 */
export function accuracy(interpreter: Interpreter, samples: Float32Array[], labels: ArrayLike<number>): number {
  if (samples.length !== labels.length) throw new TinyqError('INVALID_INPUT', `${samples.length} samples but ${labels.length} labels`);
  if (samples.length === 0) throw new TinyqError('INVALID_INPUT', 'no sample to evaluate');
  let correct = 0;
  for (const [n, sample] of samples.entries()) {
    interpreter.setInput(0, sample);
    interpreter.invoke();
    if (argmax(interpreter.output(0, 'float') as Float32Array) === labels[n]) correct++;
  }
  return correct / samples.length;
}
