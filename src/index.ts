export { Interpreter } from './interpreter.js';
export type { LoadOptions, ModelFormat, OperatorInfo, OutputMode, TensorInfo } from './interpreter.js';
export { convertOnnx } from './onnx/convert.js';
export { TinyqError } from './errors.js';
export type { TinyqErrorCode } from './errors.js';
export type { DType, TypedArray } from './dtype.js';
export type { EngineChoice, EngineKind } from './engine.js';
