// How much a quantized model loses against its float model: the accuracy of both on labelled
// samples, the agreement of their top-1 classes, and per layer the error of each quantized
// tensor (dequantized) against the same tensor of the float model, as SQNR (signal power over
// error power, in dB) and RMSE. Tensors are matched by name: the quantizer keeps the float
// model's tensor names. Both models run one operator at a time, so every tensor is read.

import { TinyqError } from '../errors.js';
import type { Interpreter } from '../interpreter.js';
import { accuracy, argmax } from './index.js';

export interface LayerError {
  /** Operator index in the quantized model. */
  operator: number;
  name: string;
  tensor: string;
  dtype: string;
  /** 10 log10(sum f^2 / sum (f - q)^2) over all samples; Infinity when exact. */
  sqnr: number;
  rmse: number;
  /**
   * The SQNR of the error this operator adds: its output's error-to-signal power ratio minus
   * the largest of its inputs' (an exact input counts 0), in dB. Low values lose most.
   */
  ownSqnr: number;
  /** Among the layers that lose most. */
  flagged: boolean;
}

export interface ModelComparison {
  samples: number;
  floatAccuracy?: number;
  quantizedAccuracy?: number;
  /** Fraction of samples where both models give the same top-1 class. */
  agreement: number;
  layers: LayerError[];
}

/** How many layers the report flags as losing most. */
const FLAGGED_LAYERS = 3;

class ErrorSum {
  signal = 0;
  noise = 0;
  count = 0;

  get sqnr(): number {
    return this.noise === 0 ? Infinity : 10 * Math.log10(this.signal / this.noise);
  }

  get rmse(): number {
    return this.count === 0 ? 0 : Math.sqrt(this.noise / this.count);
  }
}

/** Runs every operator of a model on its current input, calling `read` after each. */
function runByOperator(interpreter: Interpreter, read: (operator: number) => void): void {
  const count = interpreter.operators().length;
  for (let i = 0; i < count; i++) {
    interpreter.invokeOperator(i);
    read(i);
  }
}

/** Error power over signal power of an SQNR in dB (0 for an exact or unmeasured tensor). */
function errorRatio(sqnr: number | undefined): number {
  return sqnr === undefined ? 0 : 10 ** (-sqnr / 10);
}

export function compareModels(floatModel: Interpreter, quantized: Interpreter, samples: Float32Array[], labels?: ArrayLike<number>): ModelComparison {
  if (floatModel.inputs.length !== 1 || quantized.inputs.length !== 1) throw new TinyqError('INVALID_ARGUMENT', 'report compares models with one input');
  if (samples.length === 0) throw new TinyqError('INVALID_INPUT', 'no sample to compare on');
  const floatOperators = floatModel.operators();
  const quantizedOperators = quantized.operators();
  const sums = new Map<number, ErrorSum>();
  let agreeing = 0;
  for (const sample of samples) {
    const reference = new Map<string, Float32Array>();
    floatModel.setInput(0, sample);
    reference.set(floatModel.inputs[0].name, floatModel.tensorValues(floatModel.inputs[0].index));
    runByOperator(floatModel, (i) => {
      for (const t of floatOperators[i].outputs) reference.set(floatModel.tensor(t).name, floatModel.tensorValues(t));
    });
    const measure = (t: number) => {
      const expected = reference.get(quantized.tensor(t).name);
      if (!expected) return;
      const actual = quantized.tensorValues(t);
      let sum = sums.get(t);
      if (!sum) sums.set(t, (sum = new ErrorSum()));
      for (let k = 0; k < expected.length; k++) {
        sum.signal += expected[k] * expected[k];
        sum.noise += (expected[k] - actual[k]) ** 2;
      }
      sum.count += expected.length;
    };
    quantized.setInput(0, sample);
    measure(quantized.inputs[0].index);
    runByOperator(quantized, (i) => quantizedOperators[i].outputs.forEach(measure));
    if (argmax(floatModel.output(0, 'float') as Float32Array) === argmax(quantized.output(0, 'float') as Float32Array)) agreeing++;
  }
  const sqnrOf = (t: number) => sums.get(t)?.sqnr;
  const layers: LayerError[] = [];
  for (const operator of quantizedOperators) {
    const output = operator.outputs[0];
    const sum = sums.get(output);
    if (!sum) continue;
    const inputRatio = Math.max(0, ...operator.inputs.map((t) => errorRatio(sqnrOf(t))));
    const added = errorRatio(sum.sqnr) - inputRatio;
    const info = quantized.tensor(output);
    layers.push({
      operator: operator.index, name: operator.name, tensor: info.name, dtype: info.dtype, sqnr: sum.sqnr, rmse: sum.rmse,
      ownSqnr: added > 0 ? -10 * Math.log10(added) : Infinity, flagged: false,
    });
  }
  [...layers].sort((a, b) => a.ownSqnr - b.ownSqnr).slice(0, FLAGGED_LAYERS).forEach((layer) => {
    if (Number.isFinite(layer.ownSqnr)) layer.flagged = true;
  });
  const comparison: ModelComparison = { samples: samples.length, agreement: agreeing / samples.length, layers };
  if (labels) {
    comparison.floatAccuracy = accuracy(floatModel, samples, labels);
    comparison.quantizedAccuracy = accuracy(quantized, samples, labels);
  }
  return comparison;
}
