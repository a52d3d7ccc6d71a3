export { Interpreter } from './interpreter.js';
export type { LoadOptions, OperatorInfo, OutputMode, TensorInfo } from './interpreter.js';
export { TinyqError } from './errors.js';
export type { TinyqErrorCode } from './errors.js';
export type { DType, TypedArray } from './dtype.js';
export type { EngineChoice, EngineKind } from './engine.js';
export { quantize } from './quantize.js';
export type { Quantization, QuantizedArray, Rounding } from './quantize.js';
export * from './sensors/index.js';
