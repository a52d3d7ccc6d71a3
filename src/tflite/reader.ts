// Reads a .tflite model (subgraph 0) into the specs that TfliteBuilder writes, so that a model
// can be read, rewritten (the quantizer) and written again. Field slots are those of TensorFlow
// Lite's schema.fbs; only the options tables of the operators listed in OPTION_FIELDS are
// understood, and an operator with another options table is refused rather than dropped.

import { ByteBuffer } from 'flatbuffers';
import { TinyqError } from '../errors.js';
import { OptionsType, TfliteBuilder, type OperatorSpec, type OptionField, type Options, type Quantization, type TensorSpec } from './builder.js';

type FieldKind = OptionField[1];

/** The fields of each options table the reader copies: slot and kind. */
const OPTION_FIELDS: Record<number, [number, FieldKind][]> = {
  [OptionsType.CONV_2D]: [[0, 'i8'], [1, 'i32'], [2, 'i32'], [3, 'i8'], [4, 'i32'], [5, 'i32']],
  [OptionsType.DEPTHWISE_CONV_2D]: [[0, 'i8'], [1, 'i32'], [2, 'i32'], [3, 'i32'], [4, 'i8'], [5, 'i32'], [6, 'i32']],
  [OptionsType.POOL_2D]: [[0, 'i8'], [1, 'i32'], [2, 'i32'], [3, 'i32'], [4, 'i32'], [5, 'i8']],
  [OptionsType.FULLY_CONNECTED]: [[0, 'i8'], [1, 'i8'], [2, 'bool'], [3, 'bool']],
  [OptionsType.SOFTMAX]: [[0, 'f32']],
  [OptionsType.CONCATENATION]: [[0, 'i32'], [1, 'i8']],
  [OptionsType.ADD]: [[0, 'i8'], [1, 'bool']],
  [OptionsType.SUB]: [[0, 'i8'], [1, 'bool']],
  [OptionsType.MUL]: [[0, 'i8']],
  [OptionsType.RESHAPE]: [[0, 'i32[]']],
  [OptionsType.SQUEEZE]: [[0, 'i32[]']],
  [OptionsType.REDUCER]: [[0, 'bool']],
  [OptionsType.PAD]: [],
  [OptionsType.PAD_V2]: [],
  [OptionsType.TRANSPOSE]: [],
  [OptionsType.MAXIMUM_MINIMUM]: [],
  [OptionsType.QUANTIZE]: [],
  [OptionsType.DEQUANTIZE]: [],
  // Operators that a quantized model may keep in float (their union ids of schema.fbs).
  12 /* L2Norm */: [[0, 'i8']],
  15 /* ResizeBilinear */: [[2, 'bool'], [3, 'bool']],
  19 /* SpaceToDepth */: [[0, 'i32']],
  23 /* Gather */: [[0, 'i32'], [1, 'i32']],
  29 /* Div */: [[0, 'i8']],
  32 /* StridedSlice */: [[0, 'i32'], [1, 'i32'], [2, 'i32'], [3, 'i32'], [4, 'i32'], [5, 'bool']],
  35 /* Split */: [[0, 'i32']],
  37 /* Cast */: [[0, 'i8'], [1, 'i8']],
  40 /* ArgMax */: [[0, 'i8']],
  42 /* Neg */: [],
  48 /* Slice */: [],
  52 /* ExpandDims */: [],
  55 /* Shape */: [[0, 'i8']],
  57 /* ArgMin */: [[0, 'i8']],
  59 /* Pack */: [[0, 'i32'], [1, 'i32']],
  64 /* Unpack */: [[0, 'i32'], [1, 'i32']],
  74 /* ResizeNearestNeighbor */: [[0, 'bool'], [1, 'bool']],
  75 /* LeakyRelu */: [[0, 'f32']],
  76 /* SquaredDifference */: [],
  78 /* Abs */: [],
  79 /* SplitV */: [[0, 'i32']],
  91 /* HardSwish */: [],
  94 /* DepthToSpace */: [[0, 'i32']],
  [OptionsType.BATCH_MAT_MUL]: [[0, 'bool'], [1, 'bool'], [2, 'bool']],
  [OptionsType.MIRROR_PAD]: [[0, 'i8']],
};

export interface TfliteModel {
  tensors: TensorSpec[];
  operators: OperatorSpec[];
  inputs: number[];
  outputs: number[];
  description: string;
}

/** Slot n of a table is at vtable offset 4 + 2n. */
const slot = (n: number) => 4 + 2 * n;

class Table {
  constructor(readonly bb: ByteBuffer, readonly position: number) {}

  private at(n: number): number {
    return this.bb.__offset(this.position, slot(n));
  }

  has(n: number): boolean {
    return this.at(n) !== 0;
  }

  i8(n: number, fallback: number): number {
    const o = this.at(n);
    return o ? this.bb.readInt8(this.position + o) : fallback;
  }

  u8(n: number, fallback: number): number {
    const o = this.at(n);
    return o ? this.bb.readUint8(this.position + o) : fallback;
  }

  i32(n: number, fallback: number): number {
    const o = this.at(n);
    return o ? this.bb.readInt32(this.position + o) : fallback;
  }

  f32(n: number, fallback: number): number {
    const o = this.at(n);
    return o ? this.bb.readFloat32(this.position + o) : fallback;
  }

  string(n: number): string {
    const o = this.at(n);
    return o ? (this.bb.__string(this.position + o) as string) : '';
  }

  table(n: number): Table | undefined {
    const o = this.at(n);
    return o ? new Table(this.bb, this.bb.__indirect(this.position + o)) : undefined;
  }

  /** Start and length of a vector field (length 0 when absent). */
  vector(n: number): { start: number; length: number } {
    const o = this.at(n);
    if (!o) return { start: 0, length: 0 };
    return { start: this.bb.__vector(this.position + o), length: this.bb.__vector_len(this.position + o) };
  }

  tables(n: number): Table[] {
    const { start, length } = this.vector(n);
    return Array.from({ length }, (_, i) => new Table(this.bb, this.bb.__indirect(start + 4 * i)));
  }

  i32s(n: number): number[] {
    const { start, length } = this.vector(n);
    return Array.from({ length }, (_, i) => this.bb.readInt32(start + 4 * i));
  }

  f32s(n: number): number[] {
    const { start, length } = this.vector(n);
    return Array.from({ length }, (_, i) => this.bb.readFloat32(start + 4 * i));
  }

  i64s(n: number): number[] {
    const { start, length } = this.vector(n);
    return Array.from({ length }, (_, i) => Number(this.bb.readInt64(start + 8 * i)));
  }

  bytes(n: number): Uint8Array {
    const { start, length } = this.vector(n);
    return this.bb.bytes().slice(start, start + length);
  }
}

/** Reads subgraph 0 of a .tflite model; throws MALFORMED_MODEL or UNSUPPORTED_OPERATOR. */
export function readTflite(bytes: Uint8Array): TfliteModel {
  if (bytes.length < 8 || new TextDecoder().decode(bytes.subarray(4, 8)) !== 'TFL3') {
    throw new TinyqError('MALFORMED_MODEL', 'not a TFLite model (no "TFL3" identifier)');
  }
  try {
    return readModel(new ByteBuffer(bytes));
  } catch (error) {
    if (error instanceof TinyqError) throw error;
    throw new TinyqError('MALFORMED_MODEL', `cannot read the model: ${(error as Error).message}`);
  }
}

function readModel(bb: ByteBuffer): TfliteModel {
  const model = new Table(bb, bb.readInt32(bb.position()) + bb.position());
  const codes = model.tables(1).map((code) => ({
    code: Math.max(code.i8(0, 0), code.i32(3, 0)),
    version: code.i32(2, 1),
    custom: code.string(1),
  }));
  const buffers = model.tables(4).map((buffer) => buffer.bytes(0));
  const subgraphs = model.tables(2);
  if (subgraphs.length !== 1) throw new TinyqError('UNSUPPORTED_OPERATOR', `the model has ${subgraphs.length} subgraphs; only one is supported`);
  const subgraph = subgraphs[0];
  const tensors = subgraph.tables(0).map((tensor): TensorSpec => {
    const buffer = buffers[tensor.i32(2, 0)];
    const quantization = tensor.table(4);
    const spec: TensorSpec = { name: tensor.string(3), shape: tensor.i32s(0), type: tensor.i8(1, 0) };
    if (buffer && buffer.length > 0) spec.data = buffer;
    if (quantization && quantization.vector(2).length > 0) {
      spec.quantization = { scale: quantization.f32s(2), zeroPoint: quantization.i64s(3), axis: quantization.i32(6, 0) } satisfies Quantization;
    }
    return spec;
  });
  const operators = subgraph.tables(3).map((operator, index): OperatorSpec => {
    const code = codes[operator.i32(0, 0)];
    if (!code) throw new TinyqError('MALFORMED_MODEL', `operator ${index} names a missing operator code`);
    if (code.custom) throw new TinyqError('UNSUPPORTED_OPERATOR', `operator ${index} is the custom operator ${code.custom}`);
    const spec: OperatorSpec = { code: code.code, version: code.version, inputs: operator.i32s(1), outputs: operator.i32s(2) };
    const optionsType = operator.u8(3, 0);
    const options = operator.table(4);
    if (optionsType !== 0 && options) spec.options = readOptions(options, optionsType, index);
    return spec;
  });
  return { tensors, operators, inputs: subgraph.i32s(1), outputs: subgraph.i32s(2), description: model.string(3) };
}

function readOptions(table: Table, type: number, index: number): Options {
  const fields = OPTION_FIELDS[type];
  if (!fields) throw new TinyqError('UNSUPPORTED_OPERATOR', `operator ${index} has options of union type ${type}, which the reader does not know`);
  const read: OptionField[] = [];
  for (const [n, kind] of fields) {
    if (!table.has(n)) continue;
    if (kind === 'i32[]') read.push([n, kind, table.i32s(n)]);
    else if (kind === 'i8') read.push([n, kind, table.i8(n, 0)]);
    else if (kind === 'i32') read.push([n, kind, table.i32(n, 0)]);
    else if (kind === 'f32') read.push([n, kind, table.f32(n, 0)]);
    else read.push([n, kind, table.u8(n, 0) !== 0]);
  }
  return { type, fields: read };
}

/** Writes a model read by readTflite (or rewritten) as .tflite bytes. */
export function writeTflite(model: TfliteModel): Uint8Array {
  const builder = new TfliteBuilder();
  for (const tensor of model.tensors) builder.addTensor(tensor);
  for (const operator of model.operators) builder.addOperator(operator);
  return builder.serialize(model.inputs, model.outputs, model.description);
}

/** The value of options field n (a scalar), or `fallback` when the field is absent. */
export function optionValue(options: Options | undefined, n: number, fallback: number): number {
  const field = options?.fields.find(([s]) => s === n);
  return field === undefined ? fallback : Number(field[2]);
}
