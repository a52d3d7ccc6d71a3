// Writes a .tflite model (one subgraph) with the flatbuffers library. Field slots are those of
// TensorFlow Lite's schema.fbs (a union takes two slots: its type, then its value), the same
// numbers assembly/schema.ts reads.

import { Builder } from 'flatbuffers';

/** TensorType values of schema.fbs. */
export const TensorType = { FLOAT32: 0, INT32: 2, UINT8: 3, INT64: 4, INT16: 7, INT8: 9, INT4: 17 } as const;

/** BuiltinOperator codes of the operators the ONNX importer and the quantizer write. */
export const Op = {
  ADD: 0, AVERAGE_POOL_2D: 1, CONCATENATION: 2, CONV_2D: 3, DEPTHWISE_CONV_2D: 4, DEQUANTIZE: 6,
  FULLY_CONNECTED: 9, LOGISTIC: 14, MAX_POOL_2D: 17, MUL: 18, RELU: 19, RELU_N1_TO_1: 20, RELU6: 21,
  RESHAPE: 22, SOFTMAX: 25, TANH: 28, PAD: 34, TRANSPOSE: 39, MEAN: 40, SUB: 41, SQUEEZE: 43,
  MAXIMUM: 55, MINIMUM: 57, PADV2: 60, MIRROR_PAD: 100, QUANTIZE: 114, BATCH_MATMUL: 126,
} as const;

export const OP_NAMES: Record<number, string> = Object.fromEntries(Object.entries(Op).map(([name, code]) => [code, name]));

/** BuiltinOptions union members. */
export const OptionsType = {
  CONV_2D: 1, DEPTHWISE_CONV_2D: 2, POOL_2D: 5, FULLY_CONNECTED: 8, SOFTMAX: 9, CONCATENATION: 10, ADD: 11,
  RESHAPE: 17, MUL: 21, PAD: 22, TRANSPOSE: 26, REDUCER: 27, SUB: 28, SQUEEZE: 30, DEQUANTIZE: 38,
  MAXIMUM_MINIMUM: 39, PAD_V2: 43, MIRROR_PAD: 77, QUANTIZE: 89, BATCH_MAT_MUL: 101,
} as const;

export const Padding = { SAME: 0, VALID: 1 } as const;
export const Activation = { NONE: 0, RELU: 1, RELU_N1_TO_1: 2, RELU6: 3 } as const;
export type ActivationCode = (typeof Activation)[keyof typeof Activation];

export interface Quantization {
  scale: number[];
  zeroPoint: number[];
  /** quantized_dimension: the axis of per-channel scales. */
  axis: number;
}

export interface TensorSpec {
  name: string;
  shape: number[];
  type: number;
  quantization?: Quantization;
  /** Constant contents (little-endian), or none for an activation. */
  data?: Uint8Array;
}

/** One field of an options table: its slot in schema.fbs, its scalar kind and value. */
export type OptionField = [slot: number, kind: 'i8' | 'i32' | 'f32' | 'bool', value: number | boolean] | [slot: number, kind: 'i32[]', value: number[]];

export interface Options {
  type: number;
  fields: OptionField[];
}

export interface OperatorSpec {
  code: number;
  version: number;
  inputs: number[];
  outputs: number[];
  options?: Options;
}

const SCHEMA_VERSION = 3;
/** Constant data is aligned so that the engine can read int32 and float32 values in place. */
const BUFFER_ALIGNMENT = 16;
/** deprecated_builtin_code holds codes below this; larger codes are written as this placeholder. */
const PLACEHOLDER_FOR_GREATER_OP_CODES = 127;

export class TfliteBuilder {
  readonly tensors: TensorSpec[] = [];
  readonly operators: OperatorSpec[] = [];

  addTensor(spec: TensorSpec): number {
    this.tensors.push(spec);
    return this.tensors.length - 1;
  }

  addOperator(spec: OperatorSpec): number {
    this.operators.push(spec);
    return this.operators.length - 1;
  }

  /** The model as .tflite bytes, with the given graph inputs and outputs. */
  /** The model as .tflite bytes; `metadata` entries are written as the model's named metadata buffers. */
  serialize(inputs: number[], outputs: number[], description: string, metadata: Record<string, string> = {}): Uint8Array {
    const builder = new Builder(1024);
    const opcodeKeys: string[] = [];
    const opcodeIndex = (op: OperatorSpec) => {
      const key = `${op.code}/${op.version}`;
      if (!opcodeKeys.includes(key)) opcodeKeys.push(key);
      return opcodeKeys.indexOf(key);
    };
    const operatorOffsets = this.operators.map((op) => {
      const index = opcodeIndex(op);
      const inputsVector = intVector(builder, op.inputs);
      const outputsVector = intVector(builder, op.outputs);
      const options = op.options ? optionsTable(builder, op.options) : 0;
      builder.startObject(5);
      builder.addFieldInt32(0, index, 0);
      builder.addFieldOffset(1, inputsVector, 0);
      builder.addFieldOffset(2, outputsVector, 0);
      if (op.options) {
        builder.addFieldInt8(3, op.options.type, 0);
        builder.addFieldOffset(4, options, 0);
      }
      return builder.endObject();
    });
    const buffers: number[] = [emptyBuffer(builder)];
    const tensorOffsets = this.tensors.map((tensor) => {
      let buffer = 0;
      if (tensor.data) {
        buffers.push(dataBuffer(builder, tensor.data));
        buffer = buffers.length - 1;
      }
      const name = builder.createString(tensor.name);
      const shape = intVector(builder, tensor.shape);
      const quantization = tensor.quantization ? quantizationTable(builder, tensor.quantization) : 0;
      builder.startObject(5);
      builder.addFieldOffset(0, shape, 0);
      builder.addFieldInt8(1, tensor.type, 0);
      builder.addFieldInt32(2, buffer, 0);
      builder.addFieldOffset(3, name, 0);
      if (quantization) builder.addFieldOffset(4, quantization, 0);
      return builder.endObject();
    });
    const subgraphName = builder.createString('main');
    const tensorsVector = offsetVector(builder, tensorOffsets);
    const inputsVector = intVector(builder, inputs);
    const outputsVector = intVector(builder, outputs);
    const operatorsVector = offsetVector(builder, operatorOffsets);
    builder.startObject(5);
    builder.addFieldOffset(0, tensorsVector, 0);
    builder.addFieldOffset(1, inputsVector, 0);
    builder.addFieldOffset(2, outputsVector, 0);
    builder.addFieldOffset(3, operatorsVector, 0);
    builder.addFieldOffset(4, subgraphName, 0);
    const subgraph = builder.endObject();

    const opcodeOffsets = opcodeKeys.map((key) => {
      const [code, version] = key.split('/').map(Number);
      builder.startObject(4);
      builder.addFieldInt8(0, Math.min(code, PLACEHOLDER_FOR_GREATER_OP_CODES), 0);
      builder.addFieldInt32(2, version, 1);
      builder.addFieldInt32(3, code, 0);
      return builder.endObject();
    });
    const opcodesVector = offsetVector(builder, opcodeOffsets);
    const subgraphsVector = offsetVector(builder, [subgraph]);
    const descriptionString = builder.createString(description);
    const metadataOffsets = Object.entries(metadata).map(([name, value]) => {
      buffers.push(dataBuffer(builder, new TextEncoder().encode(value)));
      const nameString = builder.createString(name);
      builder.startObject(2);
      builder.addFieldOffset(0, nameString, 0);
      builder.addFieldInt32(1, buffers.length - 1, 0);
      return builder.endObject();
    });
    const metadataVector = metadataOffsets.length > 0 ? offsetVector(builder, metadataOffsets) : 0;
    const buffersVector = offsetVector(builder, buffers);
    builder.startObject(7);
    builder.addFieldInt32(0, SCHEMA_VERSION, 0);
    builder.addFieldOffset(1, opcodesVector, 0);
    builder.addFieldOffset(2, subgraphsVector, 0);
    builder.addFieldOffset(3, descriptionString, 0);
    builder.addFieldOffset(4, buffersVector, 0);
    if (metadataVector) builder.addFieldOffset(6, metadataVector, 0);
    builder.finish(builder.endObject(), 'TFL3');
    return builder.asUint8Array().slice();
  }
}

function intVector(builder: Builder, values: number[]): number {
  builder.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) builder.addInt32(values[i]);
  return builder.endVector();
}

function offsetVector(builder: Builder, offsets: number[]): number {
  builder.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) builder.addOffset(offsets[i]);
  return builder.endVector();
}

function emptyBuffer(builder: Builder): number {
  builder.startObject(1);
  return builder.endObject();
}

function dataBuffer(builder: Builder, data: Uint8Array): number {
  builder.startVector(1, data.length, BUFFER_ALIGNMENT);
  for (let i = data.length - 1; i >= 0; i--) builder.addInt8(data[i]);
  const vector = builder.endVector();
  builder.startObject(1);
  builder.addFieldOffset(0, vector, 0);
  return builder.endObject();
}

function quantizationTable(builder: Builder, quantization: Quantization): number {
  builder.startVector(4, quantization.scale.length, 4);
  for (let i = quantization.scale.length - 1; i >= 0; i--) builder.addFloat32(quantization.scale[i]);
  const scale = builder.endVector();
  builder.startVector(8, quantization.zeroPoint.length, 8);
  for (let i = quantization.zeroPoint.length - 1; i >= 0; i--) builder.addInt64(BigInt(quantization.zeroPoint[i]));
  const zeroPoint = builder.endVector();
  builder.startObject(7);
  builder.addFieldOffset(2, scale, 0);
  builder.addFieldOffset(3, zeroPoint, 0);
  builder.addFieldInt32(6, quantization.axis, 0);
  return builder.endObject();
}

function optionsTable(builder: Builder, options: Options): number {
  const vectors = new Map<number, number>();
  for (const [slot, kind, value] of options.fields) if (kind === 'i32[]') vectors.set(slot, intVector(builder, value as number[]));
  builder.startObject(Math.max(0, ...options.fields.map(([slot]) => slot + 1)));
  for (const [slot, kind, value] of options.fields) {
    if (kind === 'i8') builder.addFieldInt8(slot, value as number, null);
    else if (kind === 'bool') builder.addFieldInt8(slot, value ? 1 : 0, null);
    else if (kind === 'i32') builder.addFieldInt32(slot, value as number, null);
    else if (kind === 'f32') builder.addFieldFloat32(slot, value as number, null);
    else builder.addFieldOffset(slot, vectors.get(slot)!, 0);
  }
  return builder.endObject();
}
