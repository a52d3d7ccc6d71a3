// Reads an ONNX model (protobuf, through onnx-proto's generated code) into plain objects:
// nodes with decoded attributes, constant tensors as typed arrays, and the graph's inputs
// and outputs with their element types and shapes.

import onnxProto from 'onnx-proto';
import { TinyqError } from '../errors.js';
export { looksLikeOnnx } from './detect.js';

const { onnx } = onnxProto;

/** ONNX TensorProto.DataType values met in quantized models. */
export const OnnxType = {
  FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7, BOOL: 9, FLOAT16: 10, DOUBLE: 11,
} as const;

const TYPE_NAMES: Record<number, string> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string', 9: 'bool',
  10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64',
};

export function onnxTypeName(type: number): string {
  return TYPE_NAMES[type] ?? `type ${type}`;
}

export type ConstantData = Float32Array | Int8Array | Uint8Array | Int32Array | Float64Array;

/** A constant tensor (initializer or Constant node output), values in row-major order. */
export interface OnnxConstant {
  type: number;
  dims: number[];
  /** int64 values are narrowed to numbers (shapes, axes, pads). */
  data: ConstantData | number[];
}

export type AttributeValue = number | string | number[] | string[] | OnnxConstant;

export interface OnnxNode {
  /** Position in the graph (nodes are topologically sorted, as ONNX requires). */
  index: number;
  name: string;
  opType: string;
  domain: string;
  /** Input names; '' marks an omitted optional input. */
  inputs: string[];
  outputs: string[];
  attributes: Map<string, AttributeValue>;
}

export interface OnnxValueInfo {
  name: string;
  type: number;
  /** Dimensions; a symbolic or unknown dimension reads as 1 (a batch of one). */
  shape: number[];
}

export interface OnnxGraph {
  producer: string;
  /** Version of the default ('' / ai.onnx) operator set. */
  opset: number;
  nodes: OnnxNode[];
  constants: Map<string, OnnxConstant>;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

type Long = { toNumber(): number };
const toNumber = (value: number | Long | null | undefined): number => (value === null || value === undefined ? 0 : typeof value === 'number' ? value : value.toNumber());

export function readOnnx(bytes: Uint8Array): OnnxGraph {
  let model: onnxProto.onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new TinyqError('MALFORMED_MODEL', `not a valid ONNX model: ${(error as Error).message}`);
  }
  const graph = model.graph;
  if (!graph) throw new TinyqError('MALFORMED_MODEL', 'the ONNX model has no graph');
  const opsetEntry = model.opsetImport.find((entry) => !entry.domain || entry.domain === 'ai.onnx');
  const initializers = graph.initializer ?? [];
  const constants = new Map<string, OnnxConstant>();
  for (const tensor of initializers) constants.set(tensor.name ?? '', readTensor(tensor));
  const nodes: OnnxNode[] = [];
  for (const node of graph.node ?? []) {
    const converted: OnnxNode = {
      index: nodes.length,
      name: node.name || `${node.opType}_${nodes.length}`,
      opType: node.opType ?? '',
      domain: node.domain === 'ai.onnx' ? '' : node.domain ?? '',
      inputs: [...(node.input ?? [])],
      outputs: [...(node.output ?? [])],
      attributes: new Map((node.attribute ?? []).map((attribute) => [attribute.name ?? '', readAttribute(attribute, node.name ?? '')])),
    };
    // Constant nodes are folded here: their output is a constant like an initializer.
    if (converted.opType === 'Constant' && converted.domain === '') {
      const value = converted.attributes.get('value');
      if (!isConstant(value)) throw new TinyqError('UNSUPPORTED_OPERATOR', `ONNX node ${converted.name} (Constant): only the 'value' attribute is supported`);
      constants.set(converted.outputs[0], value);
      continue;
    }
    nodes.push(converted);
  }
  const initializerNames = new Set(initializers.map((tensor) => tensor.name));
  return {
    producer: `${model.producerName ?? ''} ${model.producerVersion ?? ''}`.trim(),
    opset: opsetEntry ? toNumber(opsetEntry.version) : 1,
    nodes,
    constants,
    inputs: (graph.input ?? []).filter((input) => !initializerNames.has(input.name)).map(readValueInfo),
    outputs: (graph.output ?? []).map(readValueInfo),
  };
}

export function isConstant(value: AttributeValue | undefined): value is OnnxConstant {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readValueInfo(info: onnxProto.onnx.IValueInfoProto): OnnxValueInfo {
  const tensorType = info.type?.tensorType;
  return {
    name: info.name ?? '',
    type: tensorType?.elemType ?? 0,
    shape: (tensorType?.shape?.dim ?? []).map((dim) => Math.max(1, toNumber(dim.dimValue))),
  };
}

function readAttribute(attribute: onnxProto.onnx.IAttributeProto, nodeName: string): AttributeValue {
  const { AttributeType } = onnx.AttributeProto;
  switch (attribute.type) {
    case AttributeType.FLOAT: return attribute.f ?? 0;
    case AttributeType.INT: return toNumber(attribute.i);
    case AttributeType.STRING: return new TextDecoder().decode(attribute.s ?? new Uint8Array());
    case AttributeType.TENSOR: return readTensor(attribute.t ?? {});
    case AttributeType.FLOATS: return [...(attribute.floats ?? [])];
    case AttributeType.INTS: return (attribute.ints ?? []).map(toNumber);
    case AttributeType.STRINGS: return (attribute.strings ?? []).map((s) => new TextDecoder().decode(s));
    default:
      throw new TinyqError('UNSUPPORTED_OPERATOR', `ONNX node ${nodeName}: attribute '${attribute.name}' has a type (${attribute.type}) tinyq does not read`);
  }
}

function readTensor(tensor: onnxProto.onnx.ITensorProto): OnnxConstant {
  const type = tensor.dataType ?? 0;
  const dims = (tensor.dims ?? []).map(toNumber);
  const count = dims.reduce((a, b) => a * b, 1);
  if (tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    throw new TinyqError('UNSUPPORTED_TYPE', `ONNX tensor ${tensor.name}: external data is not supported; save the model with its weights inside`);
  }
  const raw = tensor.rawData && tensor.rawData.length > 0 ? tensor.rawData : undefined;
  const rawView = (bytesPerElement: number) => {
    if (!raw || raw.length !== count * bytesPerElement) throw new TinyqError('MALFORMED_MODEL', `ONNX tensor ${tensor.name}: ${raw?.length ?? 0} data bytes for ${count} values`);
    return new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  };
  switch (type) {
    case OnnxType.FLOAT: {
      if (!raw) return { type, dims, data: Float32Array.from(tensor.floatData ?? []) };
      const view = rawView(4);
      return { type, dims, data: Float32Array.from({ length: count }, (_, i) => view.getFloat32(i * 4, true)) };
    }
    case OnnxType.DOUBLE: {
      if (!raw) return { type, dims, data: Float64Array.from(tensor.doubleData ?? []) };
      const view = rawView(8);
      return { type, dims, data: Float64Array.from({ length: count }, (_, i) => view.getFloat64(i * 8, true)) };
    }
    case OnnxType.INT8:
      return { type, dims, data: raw ? new Int8Array(Uint8Array.from(raw).buffer) : Int8Array.from(tensor.int32Data ?? []) };
    case OnnxType.UINT8:
      return { type, dims, data: raw ? Uint8Array.from(raw) : Uint8Array.from(tensor.int32Data ?? []) };
    case OnnxType.INT32: {
      if (!raw) return { type, dims, data: Int32Array.from(tensor.int32Data ?? []) };
      const view = rawView(4);
      return { type, dims, data: Int32Array.from({ length: count }, (_, i) => view.getInt32(i * 4, true)) };
    }
    case OnnxType.INT64: {
      if (!raw) return { type, dims, data: (tensor.int64Data ?? []).map(toNumber) };
      const view = rawView(8);
      return { type, dims, data: Array.from({ length: count }, (_, i) => Number(view.getBigInt64(i * 8, true))) };
    }
    default:
      throw new TinyqError('UNSUPPORTED_TYPE', `ONNX tensor ${tensor.name}: element type ${onnxTypeName(type)} is not supported`);
  }
}
