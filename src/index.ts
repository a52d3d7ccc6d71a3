export { Interpreter } from './interpreter.js';
export type { LoadOptions, ModelFormat, OperatorInfo, OperatorProfile, OperatorTypeProfile, OutputMode, Profile, TensorInfo } from './interpreter.js';
export { looksLikeOnnx } from './onnx/detect.js';

/** Converts ONNX model bytes to .tflite bytes (the importer is loaded on first use). */
export async function convertOnnx(bytes: Uint8Array): Promise<Uint8Array> {
  return (await import('./onnx/convert.js')).convertOnnx(bytes);
}
export { TinyqError } from './errors.js';
export type { TinyqErrorCode } from './errors.js';
export type { DType, TypedArray } from './dtype.js';
export type { EngineChoice, EngineKind } from './engine.js';
export { quantize } from './quantize.js';
export type { Quantization, QuantizedArray, Rounding } from './quantize.js';
export * from './sensors/index.js';
