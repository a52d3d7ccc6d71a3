import { Interpreter } from './interpreter.js';
import type { QuantizeOptions, QuantizeResult } from './quantizer/index.js';
import type { ModelComparison } from './quantizer/report.js';

export { Interpreter } from './interpreter.js';
export type { LoadOptions, ModelFormat, OperatorInfo, OperatorProfile, OperatorTypeProfile, OutputMode, Profile, TensorInfo } from './interpreter.js';
export { looksLikeOnnx } from './onnx/detect.js';

/** Converts ONNX model bytes to .tflite bytes (the importer is loaded on first use). */
export async function convertOnnx(bytes: Uint8Array): Promise<Uint8Array> {
  return (await import('./onnx/convert.js')).convertOnnx(bytes);
}
/**
 * Quantizes a float32 .tflite model with calibration samples (`calibration[n][i]`: sample n of
 * input i) into an integer model (see src/quantizer/; loaded on first use, like the importer).
 */
export async function quantizeModel(floatModel: Uint8Array, calibration: Float32Array[][], options?: QuantizeOptions): Promise<QuantizeResult> {
  return (await import('./quantizer/index.js')).quantizeModel(floatModel, calibration, options);
}

/** Top-1 accuracy of a loaded one-input classifier on float samples and their labels. */
export async function classifierAccuracy(interpreter: Interpreter, samples: Float32Array[], labels: ArrayLike<number>): Promise<number> {
  return (await import('./quantizer/index.js')).accuracy(interpreter, samples, labels);
}

/** Accuracy of both models, top-1 agreement and per-layer SQNR / RMSE of a quantized model against its float model. */
export async function compareModels(floatModel: Interpreter, quantized: Interpreter, samples: Float32Array[], labels?: ArrayLike<number>): Promise<ModelComparison> {
  return (await import('./quantizer/report.js')).compareModels(floatModel, quantized, samples, labels);
}
export type { Calibrator, IoType, KeptFloat, QuantizationMode, QuantizeOptions, QuantizeResult, Range, WeightBits } from './quantizer/index.js';
export type { LayerError, ModelComparison } from './quantizer/report.js';
export { TinyqError } from './errors.js';
export type { TinyqErrorCode } from './errors.js';
export type { DType, TypedArray } from './dtype.js';
export type { EngineChoice, EngineKind } from './engine.js';
export { quantize } from './quantize.js';
export type { Quantization, QuantizedArray, Rounding } from './quantize.js';
export * from './sensors/index.js';
