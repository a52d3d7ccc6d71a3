// Reads ONNX cases (the format of ../shared/onnx/README.md), runs them through the
// importer and the engine, and compares with the stored onnxruntime outputs.

import fs from 'node:fs';
import path from 'node:path';
import { Interpreter, TinyqError } from '../../src/index.js';
import { fixturesDir, listCases, sharedDir, type Case } from '../conformance.js';

export const sharedOnnxDir = path.join(sharedDir, 'onnx');
export const fixtureOnnxDir = path.join(fixturesDir, 'onnx');

/** Operators the engine implements: an ONNX case may wait only for an operator outside this set. */
export const ENGINE_OPERATORS = new Set([
  'CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED', 'AVERAGE_POOL_2D', 'MAX_POOL_2D', 'ADD', 'RESHAPE', 'SOFTMAX',
  'QUANTIZE', 'DEQUANTIZE',
]);

export interface OnnxCaseSpec {
  name: string;
  model: string;
  float_model: string;
  inputs: { name: string; dtype: string; shape: number[] }[];
  outputs: { name: string; dtype: string; shape: number[] }[];
  samples: { inputs: string[]; outputs: string[] }[];
  output_quantization: { scale: number; zero_point: number; dtype: string };
  eval?: { inputs: string; inputs_shape: number[]; labels: string; int8_accuracy_onnxruntime: number };
}

export type OnnxCase = Case<OnnxCaseSpec>;

export const listOnnxCases = (root: string): OnnxCase[] => listCases<OnnxCaseSpec>(root);

export function readFloats(dir: string, file: string): Float32Array {
  const bytes = fs.readFileSync(path.join(dir, file));
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/**
 * The engine operator a model waits for, when loading failed only because the engine does not
 * have it yet; undefined for any other failure.
 */
export function missingEngineOperator(error: unknown): string | undefined {
  if (!(error instanceof TinyqError) || error.code !== 'UNSUPPORTED_OPERATOR') return undefined;
  const name = /unsupported operator (\w+) \(version \d+\)/.exec(error.message)?.[1];
  return name && !ENGINE_OPERATORS.has(name) ? name : undefined;
}

/** Loads a model, or says which engine operator it waits for (other errors are thrown). */
export async function loadOrWait(model: string | Uint8Array, engine: 'scalar' | 'simd'): Promise<Interpreter | { waitsFor: string; message: string }> {
  try {
    return await Interpreter.load(model, { engine });
  } catch (error) {
    const waitsFor = missingEngineOperator(error);
    if (waitsFor) return { waitsFor, message: (error as Error).message };
    throw error;
  }
}

/** ONNX's QuantizeLinear of a dequantized value (round half to even), to compare on integers. */
export function requantize(value: number, scale: number, zeroPoint: number): number {
  const scaled = value / scale;
  const floor = Math.floor(scaled);
  const rounded = scaled - floor === 0.5 ? (floor % 2 === 0 ? floor : floor + 1) : Math.round(scaled);
  return rounded + zeroPoint;
}

/** The largest |q_got - q_want| over all samples of a case. */
export function largestStepDifference(interpreter: Interpreter, { dir, spec }: OnnxCase): number {
  const { scale, zero_point: zeroPoint } = spec.output_quantization;
  let largest = 0;
  for (const sample of spec.samples) {
    sample.inputs.forEach((file, i) => interpreter.setInput(i, readFloats(dir, file)));
    interpreter.invoke();
    sample.outputs.forEach((file, j) => {
      const want = readFloats(dir, file);
      const got = interpreter.output(j, 'float') as Float32Array;
      if (got.length !== want.length) throw new Error(`output ${j} has ${got.length} values, expected ${want.length}`);
      for (let k = 0; k < want.length; k++) largest = Math.max(largest, Math.abs(requantize(got[k], scale, zeroPoint) - requantize(want[k], scale, zeroPoint)));
    });
  }
  return largest;
}

/** Top-1 accuracy on a case's eval set, one image per invocation. */
export function accuracy(interpreter: Interpreter, { dir, spec }: OnnxCase): number {
  const evaluation = spec.eval!;
  const images = readFloats(dir, evaluation.inputs);
  const labels = fs.readFileSync(path.join(dir, evaluation.labels));
  const size = images.length / labels.length;
  let correct = 0;
  for (let n = 0; n < labels.length; n++) {
    interpreter.setInput(0, images.subarray(n * size, (n + 1) * size));
    interpreter.invoke();
    const scores = interpreter.output(0, 'float') as Float32Array;
    let best = 0;
    for (let k = 1; k < scores.length; k++) if (scores[k] > scores[best]) best = k;
    if (best === labels[n]) correct++;
  }
  return correct / labels.length;
}
