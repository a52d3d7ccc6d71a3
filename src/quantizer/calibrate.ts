// Calibration: runs the float model in tinyq's engine over the calibration samples, one operator
// at a time (Interpreter.invokeOperator), and reads every float activation right after the
// operator that writes it. A first pass records each tensor's minimum and maximum; calibrators
// other than min/max need a second pass that fills histograms over those bounds. The calibrator
// then turns each tensor's statistics into the real range its quantization must cover.

import type { Interpreter } from '../interpreter.js';
import { TinyqError } from '../errors.js';

export type Calibrator = 'minmax' | 'percentile' | 'mse' | 'entropy';
export const CALIBRATORS: readonly Calibrator[] = ['minmax', 'percentile', 'mse', 'entropy'];

export interface Range {
  min: number;
  max: number;
}

/** The integer form of activations: int8 asymmetric, or int16 symmetric (16x8 mode). */
export interface ActivationFormat {
  qmin: number;
  qmax: number;
  symmetric: boolean;
}

export interface Parameters {
  scale: number;
  zeroPoint: number;
}

const HISTOGRAM_BINS = 2048;
/** The percentile calibrator keeps this fraction of the values inside the range, per side. */
const PERCENTILE = 0.9999;
/** The MSE calibrator tries the min/max range shrunk to k / MSE_STEPS of itself, k = 1..MSE_STEPS. */
const MSE_STEPS = 100;

class TensorStatistics {
  min = Infinity;
  max = -Infinity;
  /** Counts over [min, max] (second pass). */
  histogram = new Float64Array(0);
  /** Counts of |x| over [0, max |x|] (second pass; the entropy calibrator). */
  magnitudes = new Float64Array(0);

  observe(values: Float32Array): void {
    for (const value of values) {
      if (value < this.min) this.min = value;
      if (value > this.max) this.max = value;
    }
  }

  record(values: Float32Array): void {
    if (this.histogram.length === 0) {
      this.histogram = new Float64Array(HISTOGRAM_BINS);
      this.magnitudes = new Float64Array(HISTOGRAM_BINS);
    }
    const width = (this.max - this.min) / HISTOGRAM_BINS;
    const largest = Math.max(-this.min, this.max);
    for (const value of values) {
      this.histogram[width > 0 ? Math.min(HISTOGRAM_BINS - 1, Math.floor((value - this.min) / width)) : 0]++;
      this.magnitudes[largest > 0 ? Math.min(HISTOGRAM_BINS - 1, Math.floor((Math.abs(value) / largest) * HISTOGRAM_BINS)) : 0]++;
    }
  }
}

export type Progress = (done: number, total: number) => void;

/**
 * The real range of every float activation of the loaded float model (graph inputs included),
 * by tensor index. `samples[n][i]` is sample n of graph input i.
 */
export function calibrate(interpreter: Interpreter, samples: Float32Array[][], calibrator: Calibrator, format: ActivationFormat, progress?: Progress): Map<number, Range> {
  if (samples.length === 0) throw new TinyqError('INVALID_INPUT', 'the calibration data holds no sample');
  const statistics = new Map<number, TensorStatistics>();
  const passes = calibrator === 'minmax' ? 1 : 2;
  const activations = (indices: number[]) => indices.filter((t) => t >= 0 && isFloatActivation(interpreter, t));
  // The float activations each operator writes, found once.
  const operators = interpreter.operators().map((operator) => ({ index: operator.index, outputs: activations(operator.outputs) }));
  const graphInputs = activations(interpreter.inputs.map((t) => t.index));
  let done = 0;
  for (let pass = 0; pass < passes; pass++) {
    for (const sample of samples) {
      const visit = (tensor: number) => {
        const values = interpreter.tensorValues(tensor);
        let entry = statistics.get(tensor);
        if (!entry) statistics.set(tensor, (entry = new TensorStatistics()));
        if (pass === 0) entry.observe(values);
        else entry.record(values);
      };
      sample.forEach((values, i) => interpreter.setInput(i, values));
      graphInputs.forEach(visit);
      for (const operator of operators) {
        interpreter.invokeOperator(operator.index);
        operator.outputs.forEach(visit);
      }
      progress?.(++done, samples.length * passes);
    }
  }
  const ranges = new Map<number, Range>();
  for (const [tensor, entry] of statistics) ranges.set(tensor, rangeOf(entry, calibrator, format));
  return ranges;
}

function isFloatActivation(interpreter: Interpreter, tensor: number): boolean {
  const info = interpreter.tensor(tensor);
  return info.dtype === 'float32' && !interpreter.isConstant(tensor);
}

function rangeOf(statistics: TensorStatistics, calibrator: Calibrator, format: ActivationFormat): Range {
  const { min, max } = statistics;
  if (!(min <= max)) return { min: 0, max: 0 };
  switch (calibrator) {
    case 'minmax': return { min, max };
    case 'percentile': return percentileRange(statistics);
    case 'mse': return mseRange(statistics, format);
    case 'entropy': return entropyRange(statistics, format);
  }
}

/** The values between the (1 - PERCENTILE) and PERCENTILE quantiles of the histogram. */
function percentileRange({ min, max, histogram }: TensorStatistics): Range {
  const total = histogram.reduce((a, b) => a + b, 0);
  const width = (max - min) / histogram.length;
  const tail = total * (1 - PERCENTILE);
  let low = 0;
  for (let seen = 0; low < histogram.length - 1 && seen + histogram[low] <= tail; low++) seen += histogram[low];
  let high = histogram.length - 1;
  for (let seen = 0; high > low && seen + histogram[high] <= tail; high--) seen += histogram[high];
  return { min: min + low * width, max: min + (high + 1) * width };
}

/**
 * The shrunk min/max range whose quantization (in the activations' format) gives the smallest
 * mean squared error over the histogram, each bin counted at its centre.
 */
function mseRange({ min, max, histogram }: TensorStatistics, format: ActivationFormat): Range {
  const width = (max - min) / histogram.length;
  let best = { min, max };
  let bestError = Infinity;
  for (let k = MSE_STEPS; k >= 1; k--) {
    const candidate = { min: Math.min(min, 0) * (k / MSE_STEPS), max: Math.max(max, 0) * (k / MSE_STEPS) };
    const { scale, zeroPoint } = activationParameters(candidate, format);
    let error = 0;
    for (let b = 0; b < histogram.length; b++) {
      if (histogram[b] === 0) continue;
      const value = min + (b + 0.5) * width;
      const q = Math.min(format.qmax, Math.max(format.qmin, Math.round(value / scale) + zeroPoint));
      error += histogram[b] * (value - scale * (q - zeroPoint)) ** 2;
    }
    if (error < bestError) {
      bestError = error;
      // The same quantization: it widens the range to hold 0 again.
      best = { min: Math.max(min, candidate.min), max: Math.min(max, candidate.max) };
    }
  }
  return best;
}

/**
 * TensorRT's entropy calibration on |x|: the threshold T whose clipped, quantized distribution
 * (128 levels for int8, or 256 for a tensor without negative values) is closest to the original
 * in Kullback-Leibler divergence; the range is [max(min, -T), min(max, T)]. int16 activations
 * have more levels than the histogram has bins: nothing is clipped (the min/max range).
 */
function entropyRange({ min, max, magnitudes }: TensorStatistics, format: ActivationFormat): Range {
  const largest = Math.max(-min, max);
  const levels = Math.min(magnitudes.length, Math.floor((format.qmax - format.qmin + 1) / (min >= 0 ? 1 : 2)));
  let bestBins = magnitudes.length;
  let bestDivergence = Infinity;
  for (let bins = levels; bins <= magnitudes.length; bins++) {
    const divergence = clippedDivergence(magnitudes, bins, levels);
    if (divergence < bestDivergence) {
      bestDivergence = divergence;
      bestBins = bins;
    }
  }
  const threshold = (bestBins / magnitudes.length) * largest;
  return { min: Math.max(min, -threshold), max: Math.min(max, threshold) };
}

/** KL(P || Q): P the first `bins` bins with the tail folded into the last, Q P merged into `levels` groups. */
function clippedDivergence(histogram: Float64Array, bins: number, levels: number): number {
  const reference = histogram.slice(0, bins);
  for (let b = bins; b < histogram.length; b++) reference[bins - 1] += histogram[b];
  const expanded = new Float64Array(bins);
  const perLevel = bins / levels;
  for (let level = 0; level < levels; level++) {
    const start = Math.floor(level * perLevel);
    const end = level === levels - 1 ? bins : Math.floor((level + 1) * perLevel);
    let sum = 0;
    let nonZero = 0;
    for (let b = start; b < end; b++) {
      sum += histogram[b];
      if (histogram[b] > 0) nonZero++;
    }
    for (let b = start; b < end; b++) if (histogram[b] > 0) expanded[b] = sum / nonZero;
  }
  const referenceTotal = reference.reduce((a, b) => a + b, 0);
  const expandedTotal = expanded.reduce((a, b) => a + b, 0);
  if (referenceTotal === 0 || expandedTotal === 0) return Infinity;
  let divergence = 0;
  for (let b = 0; b < bins; b++) {
    if (reference[b] === 0) continue;
    const p = reference[b] / referenceTotal;
    // A clipped-away mass (the folded tail bin) that Q cannot represent: a small floor keeps KL finite.
    const q = Math.max(expanded[b] / expandedTotal, 1e-12);
    divergence += p * Math.log(p / q);
  }
  return divergence;
}

/**
 * The smallest activation scale written. A tensor that barely varies on the calibration data (a
 * dead channel of an untrained layer) would otherwise get a scale so small that TFLite refuses
 * the model (a fused RELU6 bound of 6 / scale overflows int32; SOFTMAX needs beta x scale x 2^26
 * above 1); at this floor it spans 2.5e-4 in 256 steps.
 */
export const MIN_ACTIVATION_SCALE = Math.fround(1e-6);

/** The quantization of activations holding `range`: asymmetric int8, or symmetric int16 scale max |x| / qmax. */
export function activationParameters(range: Range, format: ActivationFormat): Parameters {
  if (!format.symmetric) return asymmetricParameters(range, format.qmin, format.qmax);
  const largest = Math.max(-range.min, range.max);
  return { scale: largest > 0 ? Math.max(Math.fround(largest / format.qmax), MIN_ACTIVATION_SCALE) : 1, zeroPoint: 0 };
}

/**
 * TFLite's asymmetric quantization of a real range: the range is widened to hold 0, scale is
 * (max - min) / (qmax - qmin) stored as float32 (at least MIN_ACTIVATION_SCALE), and the zero
 * point is qmin - min / scale rounded half away from zero ("nudged") and clamped, so that 0.0 is
 * exactly representable.
 */
export function asymmetricParameters(range: Range, qmin: number, qmax: number): Parameters {
  const low = Math.min(range.min, 0);
  const high = Math.max(range.max, 0);
  if (high - low <= 0) return { scale: 1, zeroPoint: 0 };
  const scale = Math.max(Math.fround((high - low) / (qmax - qmin)), MIN_ACTIVATION_SCALE);
  const fromMin = qmin - low / scale;
  const zeroPoint = fromMin <= qmin ? qmin : fromMin >= qmax ? qmax : roundHalfAwayFromZero(fromMin);
  return { scale, zeroPoint };
}

export function roundHalfAwayFromZero(value: number): number {
  return Math.sign(value) * Math.round(Math.abs(value));
}
