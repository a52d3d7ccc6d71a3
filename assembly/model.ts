// Reads a .tflite flatbuffer in place into a Graph, validating as it goes: every offset is
// bounds-checked by the flatbuffer reader, and every index, size and quantization parameter is
// checked here before any kernel may rely on it. Weights are never copied.

import {
  bufferBase, fieldI32, fieldI8, fieldString, fieldTable, fieldU32, fieldU64, fieldU8, fieldVector,
  inBounds, isMalformed, readF32, readI32, readI64, readU8, rootTable, stringStart, vectorElement, vectorLength, vectorTable,
} from "./flatbuffer";
import { Graph, Node } from "./graph";
import { allocate } from "./memory";
import { setRoundingOnce, typeMax, typeMin } from "./quant";
import {
  BufferField, MetadataField, ModelField, OperatorCodeField, OperatorField, QuantizationField, SubGraphField, TensorField,
  operatorName,
} from "./schema";
import { reserve } from "./memory";
import { fail, hasError, Status } from "./status";
import { elementSize, Tensor, TensorType, typeName } from "./tensor";

const SCHEMA_VERSION: u32 = 3;
const MAX_RANK: i32 = 8;
// Bounds on what reading allocates, checked before each step (memory.ts): a Tensor with its
// shape of at most MAX_RANK, a Node or the Graph with their default empty lists.
const TENSOR_BYTES: u64 = 256;
const NODE_BYTES: u64 = 256;

/** A bound on the bytes of a list of `count` elements. */
function listBytes(count: i32, elementBytes: i32): u64 {
  return <u64>count * elementBytes + 64;
}

function malformed(what: string): bool {
  return fail(Status.MALFORMED_MODEL, "malformed model: " + what + " lies outside the model bytes or is inconsistent");
}

function invalid(message: string): bool {
  return fail(Status.INVALID_MODEL, message);
}

/** Reads the model; returns null with the error set when it is malformed or unsupported. */
export function readModel(): Graph | null {
  const model = rootTable();
  if (model == 0 || isMalformed()) { malformed("the root table"); return null; }
  const version = fieldU32(model, ModelField.VERSION, 0);
  if (version != SCHEMA_VERSION) {
    invalid("model schema version " + version.toString() + " is not supported (expected 3: is this a .tflite file?)");
    return null;
  }

  const codes = fieldVector(model, ModelField.OPERATOR_CODES, 4);
  const subgraphs = fieldVector(model, ModelField.SUBGRAPHS, 4);
  const buffers = fieldVector(model, ModelField.BUFFERS, 4);
  if (isMalformed()) { malformed("the model's vectors"); return null; }
  if (vectorLength(subgraphs) < 1) { invalid("the model has no subgraph"); return null; }
  if (!readRoundingMode(model, buffers)) return null;

  const subgraph = vectorTable(subgraphs, 0);
  if (!reserve(NODE_BYTES, "reading the model")) return null;
  const graph = new Graph();
  if (!readTensors(graph, subgraph, buffers)) return null;
  graph.inputs = readIndexList(subgraph, SubGraphField.INPUTS, graph.tensors.length, "subgraph input");
  graph.outputs = readIndexList(subgraph, SubGraphField.OUTPUTS, graph.tensors.length, "subgraph output");
  if (hasError()) return null;
  if (!readOperators(graph, subgraph, codes)) return null;
  if (!checkExecutionOrder(graph)) return null;
  return graph;
}

/** Metadata entry by which a model asks for the single-rounding requantization (quant.ts). */
const ROUNDING_METADATA = "tinyq.requantization";
const SINGLE_ROUNDING = "single-rounding";

/** Sets the requantization rounding: once when the model's metadata asks for it, twice otherwise. */
function readRoundingMode(model: u32, buffers: u32): bool {
  setRoundingOnce(false);
  const entries = fieldVector(model, ModelField.METADATA, 4);
  for (let i = 0; i < vectorLength(entries); i++) {
    const entry = vectorTable(entries, i);
    const nameLength = fieldString(entry, MetadataField.NAME);
    if (!bytesEqual(stringStart, nameLength, ROUNDING_METADATA)) continue;
    const bufferIndex = fieldU32(entry, MetadataField.BUFFER, 0);
    const data = bufferIndex < <u32>vectorLength(buffers) ? fieldVector(vectorTable(buffers, <i32>bufferIndex), BufferField.DATA, 1) : 0;
    if (data == 0 || !bytesEqual(data + 4, vectorLength(data), SINGLE_ROUNDING)) {
      return invalid("metadata " + ROUNDING_METADATA + " must hold \"" + SINGLE_ROUNDING + "\"");
    }
    setRoundingOnce(true);
  }
  return !isMalformed() || malformed("the model's metadata");
}

/** Whether the `length` model bytes at `position` are the ASCII text `expected`. */
function bytesEqual(position: u32, length: i32, expected: string): bool {
  if (length != expected.length) return false;
  for (let i = 0; i < length; i++) {
    if (readU8(position + <u32>i) != <u32>expected.charCodeAt(i)) return false;
  }
  return true;
}

function readIndexList(table: u32, field: i32, tensorCount: i32, what: string): StaticArray<i32> {
  const vector = fieldVector(table, field, 4);
  const count = vectorLength(vector);
  if (!reserve(listBytes(count, 4), "reading the graph inputs and outputs")) return [];
  const list = new StaticArray<i32>(count);
  for (let i = 0; i < count; i++) {
    const index = readI32(vectorElement(vector, i, 4));
    if (index < 0 || index >= tensorCount) {
      invalid(what + " " + i.toString() + " names tensor " + index.toString() + ", but the model has " + tensorCount.toString() + " tensors");
      return list;
    }
    list[i] = index;
  }
  if (isMalformed()) malformed(what + " list");
  return list;
}

function readTensors(graph: Graph, subgraph: u32, buffers: u32): bool {
  const vector = fieldVector(subgraph, SubGraphField.TENSORS, 4);
  const count = vectorLength(vector);
  if (!reserve(listBytes(count, 4), "reading the tensor list")) return false;
  const tensors = new StaticArray<Tensor>(count);
  for (let i = 0; i < count; i++) {
    if (!reserve(TENSOR_BYTES, "reading the tensors")) return false;
    const tensor = new Tensor();
    tensor.index = i;
    tensors[i] = tensor;
    if (!readTensor(tensor, vectorTable(vector, i), buffers)) return false;
  }
  graph.tensors = tensors;
  return !isMalformed() || malformed("the tensor list");
}

/** "tensor 7 (conv1/weights)", built only for messages: building it on success would waste memory. */
function describe(tensor: Tensor): string {
  return "tensor " + tensor.index.toString() + " (" + tensor.name() + ")";
}

function readTensor(tensor: Tensor, table: u32, buffers: u32): bool {
  const nameLength = fieldString(table, TensorField.NAME);
  tensor.namePosition = bufferBase() + stringStart;
  tensor.nameLength = nameLength;
  if (isMalformed()) return malformed("tensor " + tensor.index.toString());

  const shapeVector = fieldVector(table, TensorField.SHAPE, 4);
  const rank = vectorLength(shapeVector);
  if (rank > MAX_RANK) return invalid(describe(tensor) + " has rank " + rank.toString() + "; at most 8 is supported");
  const shape = new StaticArray<i32>(rank);
  let elements: i64 = 1;
  for (let d = 0; d < rank; d++) {
    const extent = readI32(vectorElement(shapeVector, d, 4));
    if (extent < 0) return invalid(describe(tensor) + " has dynamic or negative dimension " + extent.toString() + " at axis " + d.toString());
    shape[d] = extent;
    elements *= extent;
    if (elements > 0x7FFFFFFF) return invalid(describe(tensor) + " has more than 2^31 elements");
  }
  tensor.shape = shape;
  tensor.elementCount = <i32>elements;

  tensor.type = fieldI8(table, TensorField.TYPE, TensorType.FLOAT32);
  const packed = tensor.type == TensorType.INT4;
  const size = packed ? 1 : elementSize(tensor.type);
  if (size == 0) return fail(Status.UNSUPPORTED_TYPE, describe(tensor) + " has element type " + typeName(tensor.type) + ", which the engine does not support");
  const bytes = packed ? (elements + 1) / 2 : elements * size;
  if (bytes > 0x7FFFFFFF) return invalid(describe(tensor) + " needs more than 2 GiB");
  tensor.byteSize = <i32>bytes;
  tensor.isVariable = fieldU8(table, TensorField.IS_VARIABLE, 0) != 0;
  if (fieldTable(table, TensorField.SPARSITY) != 0) return fail(Status.UNSUPPORTED_TYPE, describe(tensor) + " is sparse; sparse tensors are not supported");

  if (!readTensorData(tensor, table, buffers)) return false;
  if (packed && !unpackInt4(tensor)) return false;
  if (!readQuantization(tensor, fieldTable(table, TensorField.QUANTIZATION))) return false;
  return !isMalformed() || malformed(describe(tensor));
}

function readTensorData(tensor: Tensor, table: u32, buffers: u32): bool {
  const bufferIndex = fieldU32(table, TensorField.BUFFER, 0);
  if (bufferIndex >= <u32>vectorLength(buffers)) {
    return invalid(describe(tensor) + " names buffer " + bufferIndex.toString() + ", but the model has " + vectorLength(buffers).toString());
  }
  const buffer = vectorTable(buffers, <i32>bufferIndex);
  let dataPosition: u64 = 0;
  let dataSize: u64 = 0;
  const dataVector = fieldVector(buffer, BufferField.DATA, 1);
  if (dataVector != 0) {
    dataPosition = <u64>dataVector + 4;
    dataSize = <u64>vectorLength(dataVector);
  } else {
    // Models over 2 GiB keep buffers after the flatbuffer: offset from the file's start (1 means unset).
    const offset = fieldU64(buffer, BufferField.OFFSET, 0);
    const size = fieldU64(buffer, BufferField.SIZE, 0);
    if (offset > 1) {
      if (!inBounds(offset, size)) return malformed(describe(tensor) + "'s buffer");
      dataPosition = offset;
      dataSize = size;
    }
  }
  if (dataSize == 0) return true;
  if (dataSize != <u64>tensor.byteSize) {
    return invalid(describe(tensor) + " has " + dataSize.toString() + " bytes of data, but its shape and type need " + tensor.byteSize.toString());
  }
  tensor.isConstant = true;
  tensor.data = bufferBase() + <usize>dataPosition;
  return true;
}

/**
 * Unpacks constant int4 data (two values per byte, low nibble first, as TFLite packs them) into
 * int8 in engine memory, so that the kernels read int8 weights; costs one byte per element.
 */
function unpackInt4(tensor: Tensor): bool {
  if (!tensor.isConstant) return fail(Status.UNSUPPORTED_TYPE, describe(tensor) + " is int4 without data; int4 is supported for constant weights only");
  const count = tensor.elementCount;
  const unpacked = allocate(<u64>count, "the int8 copy of " + describe(tensor));
  if (unpacked == 0) return false;
  for (let i = 0; i < count; i++) {
    const byte = <i32>load<u8>(tensor.data + (<usize>i >> 1));
    // Shift the nibble to the top of an int32, then arithmetically back: the sign is extended.
    const nibble = (i & 1) == 0 ? (byte << 28) >> 28 : ((byte >> 4) << 28) >> 28;
    store<i8>(unpacked + <usize>i, <i8>nibble);
  }
  tensor.type = TensorType.INT8;
  tensor.byteSize = count;
  tensor.data = unpacked;
  return true;
}

function readQuantization(tensor: Tensor, table: u32): bool {
  if (table == 0) return true;
  const scales = fieldVector(table, QuantizationField.SCALE, 4);
  const zeroPoints = fieldVector(table, QuantizationField.ZERO_POINT, 8);
  const count = vectorLength(scales);
  if (count == 0) return true;
  if (vectorLength(zeroPoints) != count) {
    return invalid(describe(tensor) + " has " + count.toString() + " scales but " + vectorLength(zeroPoints).toString() + " zero points");
  }
  let dimension = fieldI32(table, QuantizationField.QUANTIZED_DIMENSION, 0);
  if (count > 1) {
    // TFLite Micro ignores the dimension of 1-D per-channel tensors (person_detect's biases carry 3).
    if (tensor.rank == 1) dimension = 0;
    if (dimension < 0 || dimension >= tensor.rank || tensor.dim(dimension) != count) {
      return invalid(describe(tensor) + " has " + count.toString() + " per-channel scales for quantized dimension " + dimension.toString() + " of shape " + shapeString(tensor.shape));
    }
  }
  const low = typeMin(tensor.type);
  const high = typeMax(tensor.type);
  for (let c = 0; c < count; c++) {
    const scale = readF32(vectorElement(scales, c, 4));
    const zeroPoint = readI64(vectorElement(zeroPoints, c, 8));
    // Only quantized integer data needs a usable scale; other tensors may carry placeholder zeros.
    const needsScale = tensor.type == TensorType.INT8 || tensor.type == TensorType.UINT8 || tensor.type == TensorType.INT16;
    if (!isFinite(scale) || scale < 0 || (needsScale && scale == 0)) {
      return invalid(describe(tensor) + " has scale " + scale.toString() + "; scales must be positive and finite");
    }
    if (zeroPoint < <i64>low || zeroPoint > <i64>high) return invalid(describe(tensor) + " has zero point " + zeroPoint.toString() + " outside " + typeName(tensor.type));
  }
  tensor.quantizationCount = count;
  tensor.scalesPosition = vectorElement(scales, 0, 4);
  tensor.zeroPointsPosition = vectorElement(zeroPoints, 0, 8);
  tensor.quantizedDimension = <i8>dimension;
  tensor.scale = readF32(tensor.scalesPosition);
  tensor.zeroPoint = <i32>readI64(tensor.zeroPointsPosition);
  return true;
}

export function shapeString(shape: StaticArray<i32>): string {
  let text = "[";
  for (let i = 0; i < shape.length; i++) text += (i > 0 ? "," : "") + shape[i].toString();
  return text + "]";
}

function readOperators(graph: Graph, subgraph: u32, codes: u32): bool {
  const vector = fieldVector(subgraph, SubGraphField.OPERATORS, 4);
  const count = vectorLength(vector);
  if (!reserve(listBytes(count, 4), "reading the operator list")) return false;
  const nodes = new StaticArray<Node>(count);
  const codeCount = vectorLength(codes);
  for (let i = 0; i < count; i++) {
    const table = vectorTable(vector, i);
    if (!reserve(NODE_BYTES, "reading the operators")) return false;
    const node = new Node();
    node.index = i;
    nodes[i] = node;
    const codeIndex = fieldU32(table, OperatorField.OPCODE_INDEX, 0);
    if (codeIndex >= <u32>codeCount) return invalid("operator " + i.toString() + " uses opcode " + codeIndex.toString() + ", but the model has " + codeCount.toString());
    const code = vectorTable(codes, <i32>codeIndex);
    const deprecatedCode = fieldI8(code, OperatorCodeField.DEPRECATED_BUILTIN_CODE, 0);
    node.opcode = max(deprecatedCode, fieldI32(code, OperatorCodeField.BUILTIN_CODE, 0));
    node.version = fieldI32(code, OperatorCodeField.VERSION, 1);
    node.customCodeLength = fieldString(code, OperatorCodeField.CUSTOM_CODE);
    node.customCodePosition = bufferBase() + stringStart;
    node.inputs = readOperatorTensors(table, OperatorField.INPUTS, graph, node, "input");
    node.outputs = readOperatorTensors(table, OperatorField.OUTPUTS, graph, node, "output");
    node.intermediates = readOperatorTensors(table, OperatorField.INTERMEDIATES, graph, node, "intermediate");
    node.optionsType = fieldU8(table, OperatorField.BUILTIN_OPTIONS_TYPE, 0);
    node.options = node.optionsType != 0 ? fieldTable(table, OperatorField.BUILTIN_OPTIONS) : 0;
    if (hasError()) return false;
    if (isMalformed()) return malformed("operator " + i.toString() + " (" + operatorName(node.opcode) + ")");
  }
  graph.nodes = nodes;
  return true;
}

/** An operator's tensor list; only inputs may name no tensor (-1). */
/** The list of operators without tensors of a role (most have no intermediates): static data, shared. */
const NO_TENSORS: StaticArray<i32> = [];

function readOperatorTensors(table: u32, field: i32, graph: Graph, node: Node, role: string): StaticArray<i32> {
  const optionalAllowed = field == OperatorField.INPUTS;
  const vector = fieldVector(table, field, 4);
  const count = vectorLength(vector);
  if (count == 0) return NO_TENSORS;
  if (!reserve(listBytes(count, 4), "reading the operators")) return NO_TENSORS;
  const list = new StaticArray<i32>(count);
  for (let i = 0; i < count; i++) {
    const index = readI32(vectorElement(vector, i, 4));
    list[i] = index;
    if ((index == -1 && optionalAllowed) || (index >= 0 && index < graph.tensors.length)) continue;
    invalid("operator " + node.index.toString() + " (" + operatorName(node.opcode) + ") " + role + " "
      + i.toString() + " names tensor " + index.toString() + ", but the model has " + graph.tensors.length.toString());
    break;
  }
  return list;
}

/** Every operator input must be a constant, a graph input, a variable or an earlier output. */
function checkExecutionOrder(graph: Graph): bool {
  const tensors = graph.tensors;
  if (!reserve(listBytes(tensors.length, 1), "checking the execution order")) return false;
  const ready = new StaticArray<bool>(tensors.length);
  for (let t = 0; t < tensors.length; t++) ready[t] = tensors[t].isConstant || tensors[t].isVariable;
  for (let i = 0; i < graph.inputs.length; i++) ready[graph.inputs[i]] = true;
  for (let n = 0; n < graph.nodes.length; n++) {
    const node = graph.nodes[n];
    for (let i = 0; i < node.inputs.length; i++) {
      const index = node.inputs[i];
      if (index >= 0 && !ready[index]) {
        return invalid("operator " + n.toString() + " (" + operatorName(node.opcode) + ") reads tensor " + index.toString()
          + " (" + tensors[index].name() + ") before any operator writes it");
      }
    }
    for (let o = 0; o < node.outputs.length; o++) {
      const index = node.outputs[o];
      if (tensors[index].isConstant) {
        return invalid("operator " + n.toString() + " (" + operatorName(node.opcode) + ") writes constant tensor " + index.toString());
      }
      ready[index] = true;
    }
  }
  for (let i = 0; i < graph.outputs.length; i++) {
    if (!ready[graph.outputs[i]]) return invalid("graph output tensor " + graph.outputs[i].toString() + " is never written");
  }
  return true;
}
