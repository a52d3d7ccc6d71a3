// ONNX -> TFLite conversion. The graph is walked once in ONNX's (topological) node order.
// Quantized ONNX comes in two forms that end up as the same integer TFLite operators:
// - QDQ: a float operator between DequantizeLinear and QuantizeLinear nodes is folded into one
//   integer operator reading the DequantizeLinear inputs and writing the QuantizeLinear output
//   (a Relu / Clip between the operator and the QuantizeLinear becomes its fused activation);
// - QOperator: QLinearConv, QGemm, ... carry their scales and zero points as inputs.
// Activations are int8 in the TFLite graph: uint8 tensors move to int8 by shifting the zero
// point by 128 (exact), and uint8 remains only at graph inputs and outputs, through QUANTIZE.
// Images are stored NHWC: every value records which ONNX axis each stored axis holds (`perm`),
// weights are transposed here, and TRANSPOSE (or RESHAPE, when the order of the elements does
// not change) is written only where an operator or a graph output needs another layout.

import { TinyqError } from '../errors.js';
import { Activation, Op, TensorType, TfliteBuilder, type ActivationCode, type Options, type Quantization } from '../tflite/builder.js';
import { elementCount, identity, isIdentity, permute, permuteData, sameMemoryOrder, sameValues, strides, transposeBetween, type Perm } from './layout.js';
import { onnxTypeName, OnnxType, readOnnx, type AttributeValue, type OnnxConstant, type OnnxGraph, type OnnxNode } from './model.js';
import { FLOAT_OPERATORS, QOPERATORS } from './operators.js';

export type Quant = Quantization;
export type ElementType = 'float32' | 'int8' | 'uint8' | 'int32' | 'int64';
export type ConstantValues = Float32Array | Int8Array | Int32Array | number[];

/** A tensor of the ONNX graph as the TFLite graph holds it. */
export interface Value {
  name: string;
  /** The ONNX shape. */
  shape: number[];
  type: ElementType;
  /** Quantization in the TFLite graph (int8 zero points for uint8 ONNX tensors). */
  quant?: Quant;
  /** Stored axis i holds ONNX axis perm[i]. */
  perm: Perm;
  /** The TFLite tensor, once written. */
  tensor?: number;
  /** Constant values in ONNX order (written to the model only when an operator reads them). */
  constant?: ConstantValues;
  /**
   * A 2-D [N, K] value stored as the flattening of a tensor of ONNX shape `shape` stored with
   * `perm` (a Flatten of an NHWC image): fully connected layers reorder their weights instead.
   */
  columns?: { shape: number[]; perm: Perm };
  /** A float tensor of a QDQ graph that is the DequantizeLinear of this quantized value. */
  dequantizes?: Value;
  /**
   * Dynamic quantization (DynamicQuantizeLinear): the quantized tensor, scale or zero point
   * computed at run time from this float value, or (scale) that scale times constant weight scales.
   */
  dynamic?: { of: Value; part: 'values' | 'scale' | 'zeroPoint'; weightScale?: Float32Array };
  /** A graph input whose quantization the first quantized operator reading it gives. */
  graphInput?: boolean;
  /** The operator writing this value, when it can still take a fused activation and another output quantization. */
  fusable?: { operator: number; activationSlot: number };
  /** Values derived once: other layouts, the float view. */
  derived: Map<string, Value>;
}

/** Real bounds of a Relu / Clip folded into an operator. */
export interface Bounds {
  low: number;
  high: number;
}

/** One operator to convert, with its inputs resolved (quantized values for a quantized operator). */
export interface Call {
  node: OnnxNode;
  inputs: (Value | undefined)[];
  quantized: boolean;
  /** Output quantization of a quantized operator (undefined: keep the input's). */
  outQuant?: Quant;
  /** A Relu / Clip folded into the operator. */
  bounds?: Bounds;
}

export interface OperatorSpec {
  convert(converter: Converter, call: Call): Value;
  /** Attributes the conversion reads; any other fails. */
  attributes: string[];
  /** Inputs that carry tensor data (the others are shapes, axes, pads); default [0]. */
  data?(node: OnnxNode): number[];
  /** Moves or selects values without arithmetic: it runs on int8 values keeping their quantization. */
  transparent?: boolean;
  /** Takes a Relu / Clip as fused activation. */
  fusesActivation?: boolean;
}

const NO_BOUNDS: Bounds = { low: -Infinity, high: Infinity };
const ACTIVATION_BOUNDS: [ActivationCode, Bounds][] = [
  [Activation.NONE, NO_BOUNDS],
  [Activation.RELU, { low: 0, high: Infinity }],
  [Activation.RELU6, { low: 0, high: 6 }],
  [Activation.RELU_N1_TO_1, { low: -1, high: 1 }],
];
const INT8_RANGE = [-128, 127];
const INT32_RANGE = [-2147483648, 2147483647];

export const isQuantizedType = (type: ElementType) => type === 'int8' || type === 'uint8';

/** The metadata entry that puts the engine in its single-rounding requantization (runtime/tinyq.h). */
const SINGLE_ROUNDING_METADATA = { 'tinyq.requantization': 'single-rounding' };

/** Converts ONNX model bytes to .tflite bytes; every failure is a TinyqError. */
export function convertOnnx(bytes: Uint8Array): Uint8Array {
  const graph = readOnnx(bytes);
  try {
    return new Converter(graph).convert();
  } catch (error) {
    if (error instanceof TinyqError) throw error;
    // A graph that breaks an assumption no check above names (a missing shape, say).
    throw new TinyqError('INVALID_MODEL', `cannot convert the ONNX model: ${(error as Error).message}`);
  }
}

export class Converter {
  readonly graph: OnnxGraph;
  readonly builder = new TfliteBuilder();
  private readonly values = new Map<string, Value>();
  private readonly consumers = new Map<string, OnnxNode[]>();
  private readonly producers = new Map<string, OnnxNode>();
  private readonly graphOutputs: Set<string>;
  /** Nodes already converted as part of another (the QuantizeLinear and Relu of a QDQ operator). */
  private readonly folded = new Set<OnnxNode>();

  constructor(graph: OnnxGraph) {
    this.graph = graph;
    this.graphOutputs = new Set(graph.outputs.map((output) => output.name));
    for (const node of graph.nodes) {
      for (const input of node.inputs) if (input) this.consumers.set(input, [...(this.consumers.get(input) ?? []), node]);
      for (const output of node.outputs) this.producers.set(output, node);
    }
  }

  convert(): Uint8Array {
    const inputs = this.graph.inputs.map((input) => {
      const type = elementTypeOf(input.type);
      if (!type || type === 'int32' || type === 'int64') throw new TinyqError('UNSUPPORTED_TYPE', `ONNX graph input ${input.name} is ${onnxTypeName(input.type)}; tinyq takes float32, int8 or uint8 inputs`);
      const value = this.newValue(input.name, input.shape, type, identity(input.shape.length));
      value.graphInput = type !== 'float32';
      this.values.set(input.name, value);
      return value.tensor!;
    });
    for (const node of this.graph.nodes) if (!this.folded.has(node)) this.convertNode(node);
    const outputs = this.graph.outputs.map((output) => this.graphOutput(output.name, output.type));
    // onnxruntime requantizes in float with one rounding: the engine's single-rounding mode is the closest fixed-point form.
    return this.builder.serialize(inputs, outputs, `converted from ONNX${this.graph.producer ? ` (${this.graph.producer})` : ''} by tinyq`, SINGLE_ROUNDING_METADATA);
  }

  // ------------------------------------------------------------ errors and attributes

  fail(node: OnnxNode, message: string, code: 'UNSUPPORTED_OPERATOR' | 'UNSUPPORTED_TYPE' | 'INVALID_MODEL' = 'UNSUPPORTED_OPERATOR'): never {
    throw new TinyqError(code, `ONNX node ${node.name} (${opName(node)}): ${message}`);
  }

  attribute(node: OnnxNode, name: string): AttributeValue | undefined {
    return node.attributes.get(name);
  }

  /** A numeric (INT or FLOAT) attribute. */
  number(node: OnnxNode, name: string, fallback: number): number {
    const value = node.attributes.get(name);
    if (value === undefined) return fallback;
    if (typeof value !== 'number') this.fail(node, `attribute '${name}' must be a number`, 'INVALID_MODEL');
    return value;
  }

  ints(node: OnnxNode, name: string, fallback: number[] | undefined): number[] | undefined {
    const value = node.attributes.get(name);
    if (value === undefined) return fallback;
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'number')) this.fail(node, `attribute '${name}' must be a list of integers`, 'INVALID_MODEL');
    return value as number[];
  }

  string(node: OnnxNode, name: string, fallback: string): string {
    const value = node.attributes.get(name);
    if (value === undefined) return fallback;
    if (typeof value !== 'string') this.fail(node, `attribute '${name}' must be a string`, 'INVALID_MODEL');
    return value;
  }

  /** Fails on an attribute value the conversion does not support, naming it. */
  unsupportedAttribute(node: OnnxNode, name: string, value: unknown, why = ''): never {
    this.fail(node, `attribute ${name}=${JSON.stringify(value)} is not supported${why ? `: ${why}` : ''}`);
  }

  /** Integer values of a constant input (shapes, axes, pads); undefined when the input is omitted. */
  constantInts(node: OnnxNode, index: number): number[] | undefined {
    const name = node.inputs[index];
    if (!name) return undefined;
    const constant = this.graph.constants.get(name);
    if (!constant) this.fail(node, `input ${index} (${name}) must be a constant`);
    return Array.from(constant.data as ArrayLike<number>);
  }

  /** Real values of a constant input, dequantized when it is quantized. */
  constantReals(node: OnnxNode, index: number): Float32Array | undefined {
    const name = node.inputs[index];
    if (!name) return undefined;
    const value = this.value(name, node);
    const source = value.dequantizes ?? value;
    if (!source.constant) this.fail(node, `input ${index} (${name}) must be a constant`);
    return realValues(source);
  }

  // ------------------------------------------------------------ values

  value(name: string, node: OnnxNode): Value {
    const known = this.values.get(name);
    if (known) return known;
    const constant = this.graph.constants.get(name);
    if (!constant) this.fail(node, `input ${name} is not produced by any node`, 'INVALID_MODEL');
    const value = this.constantValue(name, constant, node);
    this.values.set(name, value);
    return value;
  }

  private constantValue(name: string, constant: OnnxConstant, node: OnnxNode): Value {
    const type = elementTypeOf(constant.type);
    if (!type) this.fail(node, `constant ${name} is ${onnxTypeName(constant.type)}, which tinyq does not convert`, 'UNSUPPORTED_TYPE');
    let data: ConstantValues;
    if (constant.data instanceof Float64Array) data = Float32Array.from(constant.data);
    else if (constant.data instanceof Uint8Array) data = Int8Array.from(constant.data, (v) => v - 128);
    else data = constant.data as ConstantValues;
    return { name, shape: constant.dims, type: type === 'uint8' ? 'int8' : type, perm: identity(constant.dims.length), constant: data, derived: new Map() };
  }

  bind(name: string, value: Value): void {
    this.values.set(name, value);
  }

  /** A new activation tensor. */
  newValue(name: string, shape: number[], type: ElementType, perm: Perm, quant?: Quant): Value {
    const tensor = this.builder.addTensor({ name: this.uniqueName(name), shape: permute(shape, perm), type: TENSOR_TYPES[type], quantization: quant });
    return { name, shape, type, perm, quant, tensor, derived: new Map() };
  }

  /** A value like `like` (same shape and layout) in a new tensor. */
  newLike(like: Value, suffix: string, type: ElementType, quant?: Quant): Value {
    const value = this.newValue(`${like.name}${suffix}`, like.shape, type, like.perm, quant);
    if (like.columns) {
      this.builder.tensors[value.tensor!].shape = [...like.shape];
      value.columns = like.columns;
    }
    return value;
  }

  private readonly usedNames = new Set<string>();
  private uniqueName(name: string): string {
    let unique = name;
    for (let n = 1; this.usedNames.has(unique); n++) unique = `${name}_${n}`;
    this.usedNames.add(unique);
    return unique;
  }

  /** The TFLite tensor of a value, writing constant data on first use. */
  tensorOf(value: Value): number {
    if (value.tensor !== undefined) return value.tensor;
    const data = value.constant!;
    const stored = permuteData(data, value.shape, value.perm, (n) => (Array.isArray(data) ? new Array<number>(n) : new (data.constructor as new (n: number) => typeof data)(n)));
    value.tensor = this.constantTensor(value.name, permute(value.shape, value.perm), value.type, stored, value.quant);
    return value.tensor;
  }

  constantTensor(name: string, shape: number[], type: ElementType, data: ConstantValues, quant?: Quant): number {
    let typed: Float32Array | Int8Array | Int32Array;
    if (type === 'float32') typed = data instanceof Float32Array ? data : Float32Array.from(data);
    else if (type === 'int8') typed = data instanceof Int8Array ? data : Int8Array.from(data);
    else typed = data instanceof Int32Array ? data : Int32Array.from(data);
    const bytes = new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength).slice();
    return this.builder.addTensor({ name: this.uniqueName(name), shape, type: TENSOR_TYPES[type], quantization: quant, data: bytes });
  }

  /** A constant value (not yet written) in ONNX order. */
  constant(name: string, shape: number[], type: ElementType, data: ConstantValues, quant?: Quant): Value {
    return { name, shape, type, perm: identity(shape.length), constant: data, quant, derived: new Map() };
  }

  int32Tensor(name: string, values: number[]): number {
    return this.constantTensor(name, [values.length], 'int32', Int32Array.from(values));
  }

  emit(code: number, version: number, inputs: (Value | number | undefined)[], outputs: Value[], options?: Options): number {
    const tensor = (input: Value | number | undefined) => (input === undefined ? -1 : typeof input === 'number' ? input : this.tensorOf(input));
    return this.builder.addOperator({ code, version, inputs: inputs.map(tensor), outputs: outputs.map((output) => this.tensorOf(output)), options });
  }

  // ------------------------------------------------------------ layout

  /** The value stored with axes `perm` (TRANSPOSE, or RESHAPE when the element order is the same). */
  inLayout(value: Value, perm: Perm): Value {
    if (value.columns) value = this.uncolumned(value);
    if (sameValues(value.perm, perm)) return value;
    if (value.constant && value.tensor === undefined) {
      return { ...value, perm, derived: new Map() };
    }
    const key = `perm:${perm.join(',')}`;
    const cached = value.derived.get(key);
    if (cached) return cached;
    const result = this.newValue(value.name, value.shape, value.type, perm, value.quant);
    if (sameMemoryOrder(value.shape, value.perm, perm)) {
      this.emit(Op.RESHAPE, 1, [value, this.int32Tensor(`${value.name}_shape`, permute(value.shape, perm))], [result]);
    } else {
      const order = transposeBetween(value.perm, perm);
      this.emit(Op.TRANSPOSE, value.type === 'float32' ? 1 : 2, [value, this.int32Tensor(`${value.name}_perm`, order)], [result]);
    }
    value.derived.set(key, result);
    return result;
  }

  /** A columns value back in ONNX order: the stored image, transposed to NCHW, flattened. */
  private uncolumned(value: Value): Value {
    const cached = value.derived.get('uncolumned');
    if (cached) return cached;
    const { shape, perm } = value.columns!;
    const image = this.newValue(`${value.name}_image`, shape, value.type, perm, value.quant);
    this.emit(Op.RESHAPE, 1, [value, this.int32Tensor(`${value.name}_image_shape`, permute(shape, perm))], [image]);
    const flat = this.reshape(this.inLayout(image, identity(shape.length)), value.shape);
    value.derived.set('uncolumned', flat);
    return flat;
  }

  /**
   * The value under another ONNX shape (same element order). With `allowColumns`, a 2-D result
   * from a permuted image may keep the image's storage order (see Value.columns).
   */
  reshape(value: Value, shape: number[], allowColumns = false): Value {
    if (value.constant && value.tensor === undefined && isIdentity(value.perm)) return { ...value, shape, perm: identity(shape.length), derived: new Map() };
    if (value.columns && sameValues(shape, value.shape)) return value;
    if (!value.columns && !isIdentity(value.perm) && !sameMemoryOrder(value.shape, value.perm, identity(value.shape.length))) {
      if (allowColumns && shape.length === 2 && value.perm[0] === 0 && shape[0] === value.shape[0]) {
        const result = this.newValue(value.name, shape, value.type, identity(2), value.quant);
        result.columns = { shape: value.shape, perm: value.perm };
        this.emit(Op.RESHAPE, 1, [value, this.int32Tensor(`${value.name}_shape`, shape)], [result]);
        return result;
      }
      value = this.inLayout(value, identity(value.shape.length));
    }
    if (value.columns) value = this.uncolumned(value);
    if (sameValues(shape, value.shape) && isIdentity(value.perm)) return value;
    const result = this.newValue(value.name, shape, value.type, identity(shape.length), value.quant);
    this.emit(Op.RESHAPE, 1, [value, this.int32Tensor(`${value.name}_shape`, shape)], [result]);
    return result;
  }

  /** For a columns value, the ONNX column each stored column holds; identity otherwise. */
  columnOrder(value: Value): Int32Array | undefined {
    if (!value.columns) return undefined;
    const { shape, perm } = value.columns;
    const rowLength = elementCount(shape.slice(1));
    // Within one row (batch index 0), where each stored element comes from.
    return sourceOrder(shape, perm).subarray(0, rowLength);
  }

  // ------------------------------------------------------------ quantization

  /** Reads scale / zero point inputs: per-tensor, or per-channel along `axis`. */
  quantOf(node: OnnxNode, scaleIndex: number, zeroPointIndex: number, axis = 1): { quant: Quant; type: ElementType } {
    const scaleName = node.inputs[scaleIndex];
    const scale = scaleName ? this.graph.constants.get(scaleName) : undefined;
    if (!scale || !(scale.data instanceof Float32Array)) this.fail(node, `the scale (input ${scaleIndex}) must be a float32 constant`);
    const zeroPointName = node.inputs[zeroPointIndex];
    const zeroPoint = zeroPointName ? this.graph.constants.get(zeroPointName) : undefined;
    if (zeroPointName && !zeroPoint) this.fail(node, `the zero point (input ${zeroPointIndex}) must be a constant`);
    // QuantizeLinear without a zero point produces uint8 with zero point 0.
    const zeroPointType = zeroPoint?.type ?? OnnxType.UINT8;
    const type = elementTypeOf(zeroPointType);
    if (type !== 'int8' && type !== 'uint8' && type !== 'int32') this.fail(node, `${onnxTypeName(zeroPointType)} quantization is not supported (int8, uint8 and int32 biases are)`, 'UNSUPPORTED_TYPE');
    const scales = Array.from(scale.data);
    const shift = type === 'uint8' ? 128 : 0;
    const zeroPoints = zeroPoint ? Array.from(zeroPoint.data as ArrayLike<number>, (v) => v - shift) : scales.map(() => -shift);
    if (zeroPoints.length !== scales.length) this.fail(node, `${scales.length} scales but ${zeroPoints.length} zero points`, 'INVALID_MODEL');
    if (scales.some((s) => !(s > 0) || !Number.isFinite(s))) this.fail(node, `scales must be positive and finite`, 'INVALID_MODEL');
    return { quant: { scale: scales, zeroPoint: zeroPoints, axis: scales.length > 1 ? axis : 0 }, type: type === 'int32' ? 'int32' : 'int8' };
  }

  /**
   * The int8 value holding `value` with the quantization an operator states for it (QOperator
   * inputs, DequantizeLinear). A graph input takes it; a uint8 graph input is moved to int8 by
   * QUANTIZE; another quantization of the same bytes is a RESHAPE that relabels them.
   */
  withQuant(value: Value, quant: Quant, node: OnnxNode): Value {
    if (value.type === 'float32' || value.type === 'int32' || value.type === 'int64') this.fail(node, `input ${value.name} must be int8 or uint8, not ${value.type}`, 'INVALID_MODEL');
    if (value.constant) return value.quant && sameQuant(value.quant, quant) ? value : { ...value, quant, derived: new Map() };
    if (value.graphInput && !value.quant) {
      const tensor = this.builder.tensors[value.tensor!];
      if (value.type === 'int8') {
        tensor.quantization = quant;
        value.quant = quant;
        return value;
      }
      tensor.quantization = { ...quant, zeroPoint: quant.zeroPoint.map((z) => z + 128) };
      value.quant = tensor.quantization;
      const int8 = this.newLike(value, '_int8', 'int8', quant);
      this.emit(Op.QUANTIZE, 2, [value], [int8]);
      value.derived.set('int8', int8);
      return int8;
    }
    if (value.type === 'uint8') {
      const int8 = value.derived.get('int8')!;
      return this.withQuant(int8, quant, node);
    }
    if (value.quant && sameQuant(value.quant, quant)) return value;
    const key = `relabel:${quant.scale.join(',')}:${quant.zeroPoint.join(',')}`;
    const cached = value.derived.get(key);
    if (cached) return cached;
    const relabeled = this.newLike(value, '_relabeled', 'int8', quant);
    this.emit(Op.RESHAPE, 1, [value, this.int32Tensor(`${value.name}_shape`, this.builder.tensors[value.tensor!].shape)], [relabeled]);
    value.derived.set(key, relabeled);
    return relabeled;
  }

  /** The value requantized to `quant` (QUANTIZE int8 -> int8; constants are requantized here). */
  requantize(value: Value, quant: Quant): Value {
    if (value.quant && sameQuant(value.quant, quant)) return value;
    if (value.constant && value.tensor === undefined) {
      const reals = realValues(value);
      return { ...value, constant: quantizeValues(reals, value.shape, quant), quant, derived: new Map() };
    }
    const key = `requantize:${quant.scale[0]}:${quant.zeroPoint[0]}`;
    const cached = value.derived.get(key);
    if (cached) return cached;
    const result = this.newLike(value, '_requantized', 'int8', quant);
    this.emit(Op.QUANTIZE, 2, [value], [result]);
    value.derived.set(key, result);
    return result;
  }

  /** The float value of a quantized one (DEQUANTIZE; constants are dequantized here). */
  dequantize(value: Value): Value {
    if (value.constant && value.tensor === undefined) return this.constant(value.name, value.shape, 'float32', realValues(value));
    const cached = value.derived.get('float');
    if (cached) return cached;
    const result = this.newLike(value, '_float', 'float32');
    this.emit(Op.DEQUANTIZE, 2, [value], [result]);
    value.derived.set('float', result);
    return result;
  }

  /** A float value quantized to `quant` (QUANTIZE float -> int8; constants are quantized here). */
  quantize(value: Value, quant: Quant): Value {
    if (value.constant && value.tensor === undefined) {
      return { ...value, type: 'int8', constant: quantizeValues(value.constant as Float32Array, value.shape, quant), quant, derived: new Map() };
    }
    const result = this.newLike(value, '_quantized', 'int8', quant);
    this.emit(Op.QUANTIZE, 2, [value], [result]);
    return result;
  }

  /** A float constant as int8 with a symmetric per-tensor scale (operands with no quantization of their own). */
  quantizeConstant(value: Value): Value {
    const reals = realValues(value);
    const largest = reals.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    return this.quantize({ ...value, constant: reals }, { scale: [largest > 0 ? largest / 127 : 1], zeroPoint: [0], axis: 0 });
  }

  /** A float view (QDQ) of a quantized value. */
  floatView(value: Value): Value {
    const cached = value.derived.get('view');
    if (cached) return cached;
    const view: Value = { name: value.name, shape: value.shape, type: 'float32', perm: value.perm, columns: value.columns, dequantizes: value, derived: new Map() };
    value.derived.set('view', view);
    return view;
  }

  /** The real value behind a float view, materializing DEQUANTIZE where needed. */
  floatOf(value: Value): Value {
    return value.dequantizes ? this.dequantize(value.dequantizes) : value;
  }

  /**
   * The TFLite fused activation whose clamp of the quantized (or float) output equals the
   * bounds, or undefined when none does.
   */
  activationFor(bounds: Bounds | undefined, quant: Quant | undefined): ActivationCode | undefined {
    if (!bounds) return Activation.NONE;
    if (!quant) return ACTIVATION_BOUNDS.find(([, b]) => b.low === bounds.low && b.high === bounds.high)?.[0];
    const scale = quant.scale[0];
    const zeroPoint = quant.zeroPoint[0];
    const clampOf = (b: Bounds) => [
      Math.max(INT8_RANGE[0], b.low === -Infinity ? -Infinity : zeroPoint + roundHalfAway(b.low / scale)),
      Math.min(INT8_RANGE[1], b.high === Infinity ? Infinity : zeroPoint + roundHalfAway(b.high / scale)),
    ];
    const wanted = clampOf(bounds);
    return ACTIVATION_BOUNDS.find(([, b]) => sameValues(clampOf(b), wanted))?.[0];
  }

  /** The fused activation of a call; fails when its Relu / Clip has none. */
  activation(call: Call, quant: Quant | undefined): ActivationCode {
    const code = this.activationFor(call.bounds, quant);
    if (code === undefined) this.fail(call.node, `the clamp to [${call.bounds!.low}, ${call.bounds!.high}] has no TFLite fused activation`);
    return code;
  }

  /** Whether an ONNX tensor (seen through DequantizeLinear nodes) is read only once. */
  readOnce(name: string): boolean {
    let root = name;
    for (let producer = this.producers.get(root); producer && producer.opType === 'DequantizeLinear'; producer = this.producers.get(root)) root = producer.inputs[0];
    const uses = (tensor: string): number =>
      (this.graphOutputs.has(tensor) ? 1 : 0) + (this.consumers.get(tensor) ?? []).reduce((sum, node) => sum + (node.opType === 'DequantizeLinear' ? uses(node.outputs[0]) : 1), 0);
    return uses(root) === 1;
  }

  // ------------------------------------------------------------ nodes

  private convertNode(node: OnnxNode): void {
    const name = opName(node);
    if (name === 'QuantizeLinear') return this.quantizeLinear(node);
    if (name === 'DequantizeLinear') return this.dequantizeLinear(node);
    if (name === 'DynamicQuantizeLinear') return this.dynamicQuantizeLinear(node);
    if (name === 'ConvInteger' || name === 'MatMulInteger') return this.integerProduct(node);
    const dynamicInput = node.inputs.map((input) => (input ? this.values.get(input) : undefined)).find((value) => value?.dynamic);
    if (dynamicInput) return this.dynamicScale(node, dynamicInput);
    const qoperator = QOPERATORS[name];
    if (qoperator) {
      const { op, call } = qoperator(this, node);
      return this.finish(FLOAT_OPERATORS[op].convert(this, call), call.outQuant, node.outputs[0]);
    }
    const spec = FLOAT_OPERATORS[name];
    if (!spec) this.fail(node, `operator ${name} is not supported by the ONNX importer`);
    for (const attribute of node.attributes.keys()) {
      if (!spec.attributes.includes(attribute)) this.fail(node, `attribute '${attribute}' is not supported`);
    }
    if (node.outputs.filter(Boolean).length !== 1) this.fail(node, `${node.outputs.length} outputs are not supported`);
    const dataIndices = spec.data ? spec.data(node) : [0];
    const inputs = node.inputs.map((input) => (input ? this.value(input, node) : undefined));
    const data = dataIndices.filter((i) => inputs[i] !== undefined);
    const first = inputs[dataIndices[0]];
    if (!first) this.fail(node, 'the data input is missing', 'INVALID_MODEL');

    // QOperator graphs run layout operators (MaxPool, Flatten, ...) directly on int8 tensors.
    if (isQuantizedType(first.type) && !first.constant) {
      const call: Call = { node, inputs: inputs.map((v, i) => (v && data.includes(i) ? this.withQuant(v, v.quant ?? this.fail(node, `input ${v.name} has no quantization`), node) : v)), quantized: true };
      return this.finish(spec.convert(this, call), undefined, node.outputs[0]);
    }

    const allQuantized = data.every((i) => inputs[i]!.dequantizes || (inputs[i]!.constant && i !== dataIndices[0]));
    if (first.dequantizes && allQuantized) {
      const callInputs = inputs.map((v, i) => (v && data.includes(i) && v.dequantizes ? v.dequantizes : v));
      const folded = this.quantizedOutput(node, spec);
      if (folded) {
        for (const skipped of folded.nodes) this.folded.add(skipped);
        const result = spec.convert(this, { node, inputs: callInputs, quantized: true, outQuant: folded.quant, bounds: folded.bounds });
        this.finish(result, folded.quant, folded.outputs[0]);
        const bound = this.values.get(folded.outputs[0])!;
        folded.outputs.slice(1).forEach((output, k) => this.bind(output, this.requantize(bound, folded.quants[k + 1])));
        return;
      }
      if (spec.transparent) {
        const result = spec.convert(this, { node, inputs: callInputs, quantized: true });
        this.bind(node.outputs[0], this.floatView(result));
        return;
      }
    }
    const floatInputs = inputs.map((v, i) => (v && data.includes(i) ? this.floatOf(v) : v));
    const result = spec.convert(this, { node, inputs: floatInputs, quantized: false });
    this.bind(node.outputs[0], result);
  }

  /** Binds an operator's result, requantizing it to the stated output quantization. */
  private finish(result: Value, outQuant: Quant | undefined, output: string): void {
    this.bind(output, outQuant && result.quant && !sameQuant(result.quant, outQuant) ? this.requantize(result, outQuant) : result);
  }

  /**
   * For a float operator of a QDQ graph: the QuantizeLinear nodes that quantize its output
   * (through a Relu / Clip it can fuse), or undefined when its output is used as a float.
   */
  private quantizedOutput(node: OnnxNode, spec: OperatorSpec): { nodes: OnnxNode[]; outputs: string[]; quant: Quant; quants: Quant[]; bounds?: Bounds } | undefined {
    const quantizers = (tensor: string) => {
      const readers = this.consumers.get(tensor) ?? [];
      if (this.graphOutputs.has(tensor) || readers.length === 0 || !readers.every((reader) => reader.opType === 'QuantizeLinear' && reader.domain === '')) return undefined;
      return readers;
    };
    const output = node.outputs[0];
    let nodes = quantizers(output);
    let bounds: Bounds | undefined;
    let activationNode: OnnxNode | undefined;
    const readers = this.consumers.get(output) ?? [];
    if (!nodes && spec.fusesActivation && readers.length === 1 && !this.graphOutputs.has(output) && (readers[0].opType === 'Relu' || readers[0].opType === 'Clip')) {
      activationNode = readers[0];
      nodes = quantizers(activationNode.outputs[0]);
      if (nodes) bounds = this.clipBounds(activationNode);
    }
    if (!nodes) return undefined;
    const quants = nodes.map((q) => {
      const { quant } = this.quantOf(q, 1, 2);
      if (quant.scale.length > 1) this.fail(q, 'per-channel quantization of activations is not supported');
      return quant;
    });
    if (bounds && this.activationFor(bounds, quants[0]) === undefined) return undefined;
    return { nodes: activationNode ? [activationNode, ...nodes] : nodes, outputs: nodes.map((q) => q.outputs[0]), quant: quants[0], quants, bounds };
  }

  /** The real bounds of a Relu or Clip node. */
  clipBounds(node: OnnxNode): Bounds {
    if (node.opType === 'Relu') return { low: 0, high: Infinity };
    if (this.graph.opset < 11) return { low: this.number(node, 'min', -Infinity), high: this.number(node, 'max', Infinity) };
    const low = this.constantReals(node, 1);
    const high = this.constantReals(node, 2);
    return { low: low ? low[0] : -Infinity, high: high ? high[0] : Infinity };
  }

  private quantizeLinear(node: OnnxNode): void {
    const input = this.value(node.inputs[0], node);
    const { quant } = this.quantOf(node, 1, 2, this.number(node, 'axis', 1));
    if (input.constant && input.tensor === undefined) {
      this.bind(node.outputs[0], this.quantize({ ...input, constant: realValues(input) }, quant));
      return;
    }
    if (quant.scale.length > 1) this.fail(node, 'per-channel quantization of activations is not supported');
    if (input.dequantizes) this.bind(node.outputs[0], this.requantize(input.dequantizes, quant));
    else if (input.type === 'float32') this.bind(node.outputs[0], this.quantize(input, quant));
    else this.fail(node, `input ${input.name} is ${input.type}, not float32`, 'INVALID_MODEL');
  }

  private dequantizeLinear(node: OnnxNode): void {
    const input = this.value(node.inputs[0], node);
    const { quant, type } = this.quantOf(node, 1, 2, this.number(node, 'axis', 1));
    if (input.constant) {
      if (type === 'int32' && input.type !== 'int32') this.fail(node, 'int32 zero point for a non-int32 input', 'INVALID_MODEL');
      const axis = quant.scale.length > 1 ? (quant.axis < 0 ? quant.axis + input.shape.length : quant.axis) : 0;
      this.bind(node.outputs[0], this.floatView({ ...input, quant: { ...quant, axis }, derived: new Map() }));
      return;
    }
    if (quant.scale.length > 1) this.fail(node, 'per-channel quantization of activations is not supported');
    this.bind(node.outputs[0], this.floatView(this.withQuant(input, quant, node)));
  }

  // Dynamic quantization (onnxruntime's quantize_dynamic) computes activation scales at run time:
  // DynamicQuantizeLinear(x) -> ConvInteger / MatMulInteger -> Cast -> Mul(x scale x weight scale)
  // [-> Add(bias)] becomes one TFLite hybrid operator: float input, int8 weights, float output.

  private dynamicQuantizeLinear(node: OnnxNode): void {
    const of = this.value(node.inputs[0], node);
    if (of.type !== 'float32') this.fail(node, `input ${of.name} must be float32`, 'INVALID_MODEL');
    (['values', 'scale', 'zeroPoint'] as const).forEach((part, k) => {
      if (node.outputs[k]) this.bind(node.outputs[k], { name: node.outputs[k], shape: of.shape, type: 'float32', perm: of.perm, dynamic: { of, part }, derived: new Map() });
    });
  }

  /** Mul(dynamic scale, constant weight scales): the combined scale of an integer product. */
  private dynamicScale(node: OnnxNode, dynamic: Value): void {
    const other = node.inputs.map((input) => this.value(input, node)).find((value) => value !== dynamic);
    if (node.opType !== 'Mul' || dynamic.dynamic!.part !== 'scale' || dynamic.dynamic!.weightScale || !other?.constant) {
      this.fail(node, `a run-time quantization parameter (${dynamic.name}) is used here; only the Mul by constant weight scales of dynamic quantization is supported`);
    }
    this.bind(node.outputs[0], { ...dynamic, name: node.outputs[0], dynamic: { ...dynamic.dynamic!, weightScale: realValues(other) }, derived: new Map() });
  }

  private integerProduct(node: OnnxNode): void {
    const values = this.value(node.inputs[0], node);
    const dynamic = values.dynamic;
    if (!dynamic || dynamic.part !== 'values') this.fail(node, 'supported only on the output of DynamicQuantizeLinear (dynamic quantization); static models use QLinearConv / QLinearMatMul');
    const readerOf = (tensor: string, opType: string) => {
      const readers = this.consumers.get(tensor) ?? [];
      return readers.length === 1 && readers[0].opType === opType && !this.graphOutputs.has(tensor) ? readers[0] : undefined;
    };
    const cast = readerOf(node.outputs[0], 'Cast');
    const scaling = cast && readerOf(cast.outputs[0], 'Mul');
    const scale = scaling && scaling.inputs.map((input) => this.values.get(input)).find((value) => value?.dynamic?.weightScale && value.dynamic.of === dynamic.of);
    if (!cast || !scaling || !scale) this.fail(node, 'the integer product must be followed by Cast and Mul by the input scale x weight scale, as quantize_dynamic writes it');
    const addition = readerOf(scaling.outputs[0], 'Add');
    const biasName = addition?.inputs.find((input) => input !== scaling.outputs[0]);
    const bias = biasName ? this.value(biasName, addition!) : undefined;
    const folded = bias?.constant ? [cast, scaling, addition!] : [cast, scaling];
    const weightName = node.inputs[1];
    const weights = this.value(weightName, node);
    if (!weights.constant) this.fail(node, `the weights ${weightName} must be a constant`);
    const zeroPoint = this.constantInts(node, 3) ?? [0];
    const shift = this.graph.constants.get(weightName)!.type === OnnxType.UINT8 ? 128 : 0;
    const weightScale = Array.from(scale.dynamic!.weightScale!);
    const axis = node.opType === 'ConvInteger' ? 0 : 1;
    const quant: Quant = { scale: weightScale, zeroPoint: weightScale.map((_, c) => zeroPoint[zeroPoint.length === 1 ? 0 : c] - shift), axis: weightScale.length > 1 ? axis : 0 };
    const spec = FLOAT_OPERATORS[node.opType === 'ConvInteger' ? 'Conv' : 'MatMul'];
    const output = folded[folded.length - 1].outputs[0];
    const call: Call = { node: { ...node, outputs: [output] }, inputs: [dynamic.of, { ...weights, quant, derived: new Map() }, bias?.constant ? this.reshape(bias, [elementCount(bias.shape)]) : undefined], quantized: false };
    if (call.inputs[2] && node.opType === 'MatMulInteger') return this.bindHybrid(folded, output, FLOAT_OPERATORS.Gemm.convert(this, { ...call, node: { ...call.node, attributes: new Map() } }));
    this.bindHybrid(folded, output, spec.convert(this, call));
  }

  private bindHybrid(folded: OnnxNode[], output: string, result: Value): void {
    for (const node of folded) this.folded.add(node);
    this.bind(output, result);
  }

  /** The TFLite tensor of a graph output, in the declared layout and element type. */
  private graphOutput(name: string, onnxType: number): number {
    const known = this.values.get(name);
    if (!known) throw new TinyqError('INVALID_MODEL', `ONNX graph output ${name} is not produced by any node`);
    if (known.constant && known.tensor === undefined) throw new TinyqError('UNSUPPORTED_OPERATOR', `ONNX graph output ${name} is a constant, which tinyq does not convert`);
    const wanted = elementTypeOf(onnxType);
    let value: Value;
    if (wanted === 'float32') {
      value = known.dequantizes ? this.dequantize(this.inLayout(known.dequantizes, identity(known.shape.length))) : this.inLayout(known, identity(known.shape.length));
    } else if (wanted === 'int8' || wanted === 'uint8') {
      value = this.inLayout(known.dequantizes ?? known, identity(known.shape.length));
      if (wanted === 'uint8') {
        const quant = value.quant!;
        const uint8 = this.newLike(value, '_uint8', 'uint8', { ...quant, zeroPoint: quant.zeroPoint.map((z) => z + 128) });
        this.emit(Op.QUANTIZE, 1, [value], [uint8]);
        value = uint8;
      }
    } else {
      throw new TinyqError('UNSUPPORTED_TYPE', `ONNX graph output ${name} is ${onnxTypeName(onnxType)}; tinyq gives float32, int8 or uint8 outputs`);
    }
    if (value.columns) value = this.inLayout(value, identity(2));
    const tensor = this.builder.tensors[value.tensor!];
    if (tensor.name !== name && !this.graph.inputs.some((input) => input.name === tensor.name)) {
      const previous = this.builder.tensors.find((t) => t.name === name);
      if (previous) previous.name = `${name}_internal`;
      tensor.name = name;
    }
    return value.tensor!;
  }
}

const TENSOR_TYPES: Record<ElementType, number> = { float32: TensorType.FLOAT32, int8: TensorType.INT8, uint8: TensorType.UINT8, int32: TensorType.INT32, int64: TensorType.INT64 };

function elementTypeOf(onnxType: number): ElementType | undefined {
  switch (onnxType) {
    case OnnxType.FLOAT: case OnnxType.DOUBLE: return 'float32';
    case OnnxType.INT8: return 'int8';
    case OnnxType.UINT8: return 'uint8';
    case OnnxType.INT32: return 'int32';
    case OnnxType.INT64: return 'int64';
    default: return undefined;
  }
}

export function opName(node: OnnxNode): string {
  return node.domain ? `${node.domain}.${node.opType}` : node.opType;
}

export function sameQuant(a: Quant, b: Quant): boolean {
  return a.scale.length === b.scale.length && a.scale.every((s, i) => Math.fround(s) === Math.fround(b.scale[i]) && a.zeroPoint[i] === b.zeroPoint[i]);
}

export function roundHalfAway(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

/** ONNX's QuantizeLinear rounding: half to even. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction !== 0.5) return Math.round(x);
  return floor % 2 === 0 ? floor : floor + 1;
}

/** The channel of each element for per-channel quantization along `axis`. */
function channelOf(shape: number[], axis: number): (index: number) => number {
  const stride = strides(shape)[axis] ?? 1;
  const channels = shape[axis] ?? 1;
  return (index) => Math.floor(index / stride) % channels;
}

/** Real values of a constant value (dequantized when it is quantized). */
export function realValues(value: Value): Float32Array {
  const data = value.constant!;
  if (!value.quant) return Float32Array.from(data as ArrayLike<number>);
  const { scale, zeroPoint, axis } = value.quant;
  const channel = scale.length > 1 ? channelOf(value.shape, axis) : () => 0;
  return Float32Array.from(data as ArrayLike<number>, (q, i) => scale[channel(i)] * (q - zeroPoint[channel(i)]));
}

/** Quantizes real values like ONNX's QuantizeLinear (round half to even, saturate to int8). */
export function quantizeValues(reals: ArrayLike<number>, shape: number[], quant: Quant): Int8Array {
  const { scale, zeroPoint, axis } = quant;
  const channel = scale.length > 1 ? channelOf(shape, axis) : () => 0;
  return Int8Array.from(reals, (x, i) => Math.min(INT8_RANGE[1], Math.max(INT8_RANGE[0], roundHalfEven(Math.fround(x / scale[channel(i)])) + zeroPoint[channel(i)])));
}

/** Rounds and saturates to int32 (biases). */
export function toInt32(x: number): number {
  return Math.min(INT32_RANGE[1], Math.max(INT32_RANGE[0], roundHalfEven(x)));
}

/** For a tensor of ONNX shape `shape` stored with axes `perm`, the ONNX index of each stored element. */
function sourceOrder(shape: number[], perm: Perm): Int32Array {
  const indices = Int32Array.from({ length: elementCount(shape) }, (_, i) => i);
  return permuteData(indices, shape, perm, (n) => new Int32Array(n));
}

