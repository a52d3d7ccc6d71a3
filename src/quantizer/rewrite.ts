// Writes the integer model: the float model's graph with TensorFlow Lite's quantization spec
// applied to every operator it can quantize, and float kept where asked or where tinyq has no
// integer kernel (with DEQUANTIZE / QUANTIZE at the boundaries).
//
// The spec, as the writer applies it:
// - weights of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED: int8, symmetric (zero point 0),
//   narrow range [-127, 127] (4-bit: [-8, 7] with scale max|w| / 7, packed two per byte as
//   TFLite's int4 tensors; tinyq's engine unpacks them at load; with weight clusters, k-means
//   centroids replace the weights first), one scale per output channel (axis 0, or 3 for
//   depthwise) unless per-tensor is asked; bias int32 (int64 in 16x8 mode) with scale
//   input_scale x weight_scale and zero point 0;
// - activations: asymmetric int8 from the calibrated range widened to hold 0, with a nudged
//   zero point (16x8 mode: symmetric int16, zero point 0). A fused activation needs nothing
//   more: the calibrated output range is the range after it;
// - fixed output quantization: SOFTMAX and LOGISTIC 1/256 with zero point -128, TANH 1/128 with
//   zero point 0 (16x8 SOFTMAX: 1/32768, 0);
// - one quantization shared by the input and the output of operators that move values without
//   arithmetic (RESHAPE, SQUEEZE, PAD, MAX/AVERAGE_POOL_2D) and by every input and the output of
//   CONCATENATION: their tensors form groups whose range is the union of the members' ranges.
//   A tensor with a fixed quantization joins a group only when that quantization holds the
//   group's values (a RESHAPE of a SOFTMAX output); otherwise (a TANH output joining a
//   CONCATENATION with wider inputs) the operator reads it through a QUANTIZE (requantization).

import { TinyqError } from '../errors.js';
import { Op, TensorType, TfliteBuilder, type OperatorSpec, type Quantization } from '../tflite/builder.js';
import { optionValue, type TfliteModel } from '../tflite/reader.js';
import { activationParameters, roundHalfAwayFromZero, type ActivationFormat, type Parameters, type Range } from './calibrate.js';

export type IoType = 'int8' | 'uint8' | 'float32';
export type QuantizationMode = 'int8' | 'int16x8';
export type WeightBits = 8 | 4;

export interface RewriteOptions {
  perTensor?: boolean;
  io?: IoType;
  mode?: QuantizationMode;
  weightBits?: WeightBits;
  /** Non-uniform weights: each output channel's (or tensor's) weights take at most this many values, found by k-means. */
  weightClusters?: number;
  /** Operators kept in float: a builtin operator name (all of them), an operator index, or an output tensor's name. */
  keepFloat?: string[];
  description?: string;
}

export interface KeptFloat {
  operator: number;
  name: string;
  reason: string;
}

const OP_NAMES: Record<number, string> = Object.fromEntries(Object.entries(Op).map(([name, code]) => [code, name]));

/** The weighted operators: the axis of their weights' output channels and their options' fused activation slot. */
const WEIGHTED: Record<number, { axis: number; activationSlot: number }> = {
  [Op.CONV_2D]: { axis: 0, activationSlot: 3 },
  [Op.DEPTHWISE_CONV_2D]: { axis: 3, activationSlot: 4 },
  [Op.FULLY_CONNECTED]: { axis: 0, activationSlot: 0 },
};
/** Operators whose data inputs (all for CONCATENATION, the first otherwise) share the output's quantization. */
const SAME_SCALE = new Set<number>([Op.RESHAPE, Op.SQUEEZE, Op.PAD, Op.PADV2, Op.MAX_POOL_2D, Op.AVERAGE_POOL_2D, Op.CONCATENATION]);
/** Operators whose every float input is data (the others have int32 operands after the first). */
const ALL_INPUTS_DATA = new Set<number>([Op.ADD, Op.SUB, Op.MUL, Op.CONCATENATION]);
/** Operator versions of the integer operators, as TFLite's converter writes them for int8. */
const INTEGER_VERSIONS: Record<number, number> = {
  [Op.CONV_2D]: 3, [Op.DEPTHWISE_CONV_2D]: 3, [Op.FULLY_CONNECTED]: 4, [Op.AVERAGE_POOL_2D]: 2, [Op.MAX_POOL_2D]: 2,
  [Op.ADD]: 2, [Op.SUB]: 2, [Op.MUL]: 2, [Op.RESHAPE]: 1, [Op.SQUEEZE]: 1, [Op.SOFTMAX]: 2, [Op.LOGISTIC]: 2,
  [Op.TANH]: 2, [Op.RELU]: 2, [Op.RELU6]: 2, [Op.RELU_N1_TO_1]: 1, [Op.CONCATENATION]: 2, [Op.MEAN]: 2, [Op.PAD]: 2,
  [Op.PADV2]: 2, [Op.QUANTIZE]: 1, [Op.DEQUANTIZE]: 2,
};
/** The integer kernels tinyq has in 16x8 mode (int16 activations). */
const INT16_OPERATORS = new Set<number>([Op.CONV_2D, Op.DEPTHWISE_CONV_2D, Op.FULLY_CONNECTED, Op.ADD, Op.SUB, Op.SOFTMAX, Op.RESHAPE, Op.SQUEEZE, Op.CONCATENATION, Op.PAD]);

interface Mode extends ActivationFormat {
  type: number;
  fixed: Record<number, Parameters>;
}

export const MODES: Record<QuantizationMode, Mode> = {
  int8: {
    type: TensorType.INT8, symmetric: false, qmin: -128, qmax: 127,
    fixed: { [Op.SOFTMAX]: { scale: 1 / 256, zeroPoint: -128 }, [Op.LOGISTIC]: { scale: 1 / 256, zeroPoint: -128 }, [Op.TANH]: { scale: 1 / 128, zeroPoint: 0 } },
  },
  int16x8: { type: TensorType.INT16, symmetric: true, qmin: -32767, qmax: 32767, fixed: { [Op.SOFTMAX]: { scale: 1 / 32768, zeroPoint: 0 } } },
};

/**
 * How an activation is held in the written model: quantized ('int', int8 or int16), float32,
 * uint8 (model inputs and outputs), or 'raw': a tensor that is not float in the float model
 * either (an ARG_MAX index, a shape), kept as it is.
 */
type View = 'int' | 'float' | 'uint8' | 'raw';

export function operatorName(code: number): string {
  return OP_NAMES[code] ?? `operator code ${code}`;
}

function floatsOf(data: Uint8Array): Float32Array {
  return new Float32Array(data.slice().buffer);
}

function bytesOf(array: Int8Array | Int16Array | Int32Array | BigInt64Array | Float32Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

function sameParameters(a: Parameters, b: Parameters): boolean {
  return a.scale === b.scale && a.zeroPoint === b.zeroPoint;
}

/** Quantization groups of tensors that must share one scale and zero point. */
class Groups {
  private readonly parent = new Map<number, number>();
  private readonly fixed = new Map<number, Parameters>();

  find(tensor: number): number {
    let root = tensor;
    while (this.parent.has(root)) root = this.parent.get(root)!;
    return root;
  }

  fix(tensor: number, parameters: Parameters): void {
    this.fixed.set(this.find(tensor), parameters);
  }

  fixedOf(tensor: number): Parameters | undefined {
    return this.fixed.get(this.find(tensor));
  }

  /** Joins two groups; false (nothing joined) when both have different fixed quantizations. */
  unite(a: number, b: number): boolean {
    const rootA = this.find(a);
    const rootB = this.find(b);
    if (rootA === rootB) return true;
    const fixedA = this.fixed.get(rootA);
    const fixedB = this.fixed.get(rootB);
    if (fixedA && fixedB && !sameParameters(fixedA, fixedB)) return false;
    this.parent.set(rootB, rootA);
    if (fixedB) this.fixed.set(rootA, fixedB);
    this.fixed.delete(rootB);
    return true;
  }
}

/** Writes the quantized model of `model` (float32) given each activation's calibrated range. */
export function rewriteQuantized(model: TfliteModel, ranges: Map<number, Range>, options: RewriteOptions = {}): { bytes: Uint8Array; keptFloat: KeptFloat[] } {
  return new Rewriter(model, ranges, options).write();
}

class Rewriter {
  private readonly mode: Mode;
  private readonly io: IoType;
  private readonly groups = new Groups();
  private readonly keptFloat: KeptFloat[] = [];
  private readonly quantized: boolean[];
  /** Operator index -> data input positions that need a QUANTIZE onto the operator's quantization. */
  private readonly requantized = new Map<number, Set<number>>();
  private readonly builder = new TfliteBuilder();
  private readonly views = new Map<string, number>();
  private readonly home = new Map<number, View>();
  private readonly parameterCache = new Map<number, Parameters>();

  constructor(private readonly model: TfliteModel, private readonly ranges: Map<number, Range>, private readonly options: RewriteOptions) {
    this.mode = MODES[options.mode ?? 'int8'];
    this.io = options.io ?? 'int8';
    if (this.io === 'uint8' && options.mode === 'int16x8') throw new TinyqError('INVALID_ARGUMENT', 'uint8 inputs and outputs need int8 mode, not 16x8');
    for (const [index, tensor] of model.tensors.entries()) {
      if (tensor.type !== TensorType.FLOAT32 && tensor.type !== TensorType.INT32 && tensor.type !== TensorType.INT64) {
        throw new TinyqError('INVALID_MODEL', `tensor ${index} (${tensor.name}) is ${tensor.type === TensorType.INT8 ? 'int8: the model is already quantized' : `of type code ${tensor.type}`}; quantize takes a float32 model`);
      }
    }
    this.quantized = model.operators.map((operator, index) => this.decide(operator, index));
    this.planGroups();
  }

  private isConstant(tensor: number): boolean {
    return this.model.tensors[tensor].data !== undefined;
  }

  private isFloatActivation(tensor: number): boolean {
    return tensor >= 0 && !this.isConstant(tensor) && this.model.tensors[tensor].type === TensorType.FLOAT32;
  }

  /** Whether operator `index` is quantized; records why not otherwise. */
  private decide(operator: OperatorSpec, index: number): boolean {
    const name = operatorName(operator.code);
    const keep = (reason: string) => {
      this.keptFloat.push({ operator: index, name, reason });
      return false;
    };
    const asked = (this.options.keepFloat ?? []).find((spec) =>
      spec === name || spec === String(index) || spec === `#${index}` || operator.outputs.some((t) => this.model.tensors[t]?.name === spec));
    if (asked !== undefined) return keep(`--keep-float ${asked}`);
    if (INTEGER_VERSIONS[operator.code] === undefined || operator.code === Op.QUANTIZE || operator.code === Op.DEQUANTIZE) return keep('no integer kernel in tinyq');
    if (this.options.mode === 'int16x8' && !INT16_OPERATORS.has(operator.code)) return keep('no 16x8 kernel in tinyq');
    if (!operator.outputs.every((t) => this.isFloatActivation(t))) return keep('its output is not a float activation');
    const weighted = WEIGHTED[operator.code];
    if (!weighted) return true;
    if (!this.isConstant(operator.inputs[1])) return keep('its weights are not constant');
    const activation = optionValue(operator.options, weighted.activationSlot, 0);
    if (activation > 3) return keep(`fused activation ${activation} has no integer form`);
    return true;
  }

  /** The data inputs of an operator: the float inputs the integer kernel reads as activations. */
  private dataInputs(operator: OperatorSpec): number[] {
    if (WEIGHTED[operator.code]) return [0];
    if (ALL_INPUTS_DATA.has(operator.code)) return operator.inputs.map((_, k) => k);
    return [0];
  }

  /**
   * Joins the tensors of same-scale operators into groups. Tensors with a fixed quantization
   * (SOFTMAX, LOGISTIC, TANH outputs) join last, and only a group whose values their fixed range
   * holds; otherwise the operator reads them through a QUANTIZE onto its own quantization.
   */
  private planGroups(): void {
    for (const [index, operator] of this.model.operators.entries()) {
      if (!this.quantized[index]) continue;
      const fixed = this.mode.fixed[operator.code];
      if (fixed) this.groups.fix(operator.outputs[0], fixed);
    }
    const withFixed: [operator: number, position: number][] = [];
    for (const [index, operator] of this.model.operators.entries()) {
      if (!this.quantized[index] || !SAME_SCALE.has(operator.code)) continue;
      for (const k of this.dataInputs(operator)) {
        const input = operator.inputs[k];
        if (!this.isFloatActivation(input)) continue;
        if (this.groups.fixedOf(input) || this.groups.fixedOf(operator.outputs[0])) withFixed.push([index, k]);
        else this.groups.unite(operator.outputs[0], input);
      }
    }
    for (const [index, k] of withFixed) {
      const input = this.model.operators[index].inputs[k];
      const output = this.model.operators[index].outputs[0];
      const fixed = this.groups.fixedOf(input) ?? this.groups.fixedOf(output)!;
      const other = this.groups.fixedOf(input) ? output : input;
      const fits = this.groups.fixedOf(other) ? sameParameters(fixed, this.groups.fixedOf(other)!) : this.holds(fixed, this.groupRange(other));
      if (fits && this.groups.unite(output, input)) continue;
      if (!this.requantized.has(index)) this.requantized.set(index, new Set());
      this.requantized.get(index)!.add(k);
    }
  }

  /** Whether a quantization represents every value of a range (to within half a step). */
  private holds(parameters: Parameters, range: Range): boolean {
    const low = parameters.scale * (this.mode.qmin - parameters.zeroPoint - 0.5);
    const high = parameters.scale * (this.mode.qmax - parameters.zeroPoint + 0.5);
    return range.min >= low && range.max <= high;
  }

  /** The range of a tensor's group: the union of its members' calibrated ranges. */
  private groupRange(tensor: number): Range {
    const root = this.groups.find(tensor);
    let range: Range | undefined;
    for (const [member, memberRange] of this.ranges) {
      if (this.groups.find(member) !== root) continue;
      range = range ? { min: Math.min(range.min, memberRange.min), max: Math.max(range.max, memberRange.max) } : memberRange;
    }
    return range ?? { min: 0, max: 0 };
  }

  /** The integer quantization of an activation. */
  private parameters(tensor: number): Parameters {
    const cached = this.parameterCache.get(tensor);
    if (cached) return cached;
    const parameters = this.groups.fixedOf(tensor) ?? this.fromRange(this.groupRange(tensor));
    this.parameterCache.set(tensor, parameters);
    return parameters;
  }

  private fromRange(range: Range): Parameters {
    return activationParameters(range, this.mode);
  }

  private quantization(parameters: Parameters): Quantization {
    return { scale: [parameters.scale], zeroPoint: [parameters.zeroPoint], axis: 0 };
  }

  write(): { bytes: Uint8Array; keptFloat: KeptFloat[] } {
    const model = this.model;
    for (const input of model.inputs) this.home.set(input, this.io === 'float32' ? 'float' : this.io === 'uint8' ? 'uint8' : 'int');
    const inputs = model.inputs.map((input) => this.homeTensor(input));
    for (const [index, operator] of model.operators.entries()) {
      if (this.quantized[index]) this.writeQuantized(operator, index);
      else this.writeFloat(operator);
    }
    const outputView: View = this.io === 'float32' ? 'float' : this.io === 'uint8' ? 'uint8' : 'int';
    const outputs = model.outputs.map((output) => this.view(output, this.floatView(output) === 'raw' ? 'raw' : outputView));
    const description = this.options.description ?? 'tinyq quantize';
    return { bytes: this.builder.serialize(inputs, outputs, description), keptFloat: this.keptFloat };
  }

  /** The tensor as its producer writes it (or as the graph input arrives). */
  private homeTensor(tensor: number): number {
    return this.view(tensor, this.home.get(tensor)!);
  }

  /** The tensor held as `view`, converting it from its home form once, where first needed. */
  private view(tensor: number, view: View): number {
    const key = `${tensor}:${view}`;
    const known = this.views.get(key);
    if (known !== undefined) return known;
    const spec = this.model.tensors[tensor];
    const home = this.home.get(tensor);
    if (home === undefined) throw new TinyqError('INVALID_MODEL', `tensor ${tensor} (${spec.name}) is read before any operator writes it`);
    if (view === 'raw') {
      const copy = this.builder.addTensor({ name: spec.name, shape: spec.shape, type: spec.type });
      this.views.set(key, copy);
      return copy;
    }
    const parameters = this.parameters(tensor);
    const uint8 = { scale: parameters.scale, zeroPoint: parameters.zeroPoint + 128 };
    const created = this.builder.addTensor({
      name: view === home ? spec.name : `${spec.name}/${view}`,
      shape: spec.shape,
      type: view === 'float' ? TensorType.FLOAT32 : view === 'uint8' ? TensorType.UINT8 : this.mode.type,
      quantization: view === 'float' ? undefined : this.quantization(view === 'uint8' ? uint8 : parameters),
    });
    this.views.set(key, created);
    if (view !== home) {
      const source = this.view(tensor, home);
      // uint8 <-> float goes through the integer form, as TFLite's converter writes it.
      if ((home === 'uint8' && view === 'float') || (home === 'float' && view === 'uint8')) {
        const middle = this.view(tensor, 'int');
        this.convert(middle, created, view === 'float' ? Op.DEQUANTIZE : Op.QUANTIZE);
      } else {
        this.convert(source, created, view === 'float' ? Op.DEQUANTIZE : Op.QUANTIZE);
      }
    }
    return created;
  }

  private convert(from: number, to: number, code: number): void {
    this.builder.addOperator({ code, version: INTEGER_VERSIONS[code], inputs: [from], outputs: [to] });
  }

  /** A constant copied as it is (int32 shapes, axes and paddings; float weights of float operators). */
  private constant(tensor: number): number {
    const key = `${tensor}:constant`;
    const known = this.views.get(key);
    if (known !== undefined) return known;
    const created = this.builder.addTensor({ ...this.model.tensors[tensor] });
    this.views.set(key, created);
    return created;
  }

  /** How a float operator reads or writes a tensor. */
  private floatView(tensor: number): View {
    return this.model.tensors[tensor].type === TensorType.FLOAT32 ? 'float' : 'raw';
  }

  private writeFloat(operator: OperatorSpec): void {
    const inputs = operator.inputs.map((t) => (t < 0 ? -1 : this.isConstant(t) ? this.constant(t) : this.view(t, this.floatView(t))));
    for (const output of operator.outputs) this.home.set(output, this.floatView(output));
    const outputs = operator.outputs.map((t) => this.homeTensor(t));
    this.builder.addOperator({ ...operator, inputs, outputs });
  }

  private writeQuantized(operator: OperatorSpec, index: number): void {
    const output = operator.outputs[0];
    const outputParameters = this.parameters(output);
    const data = new Set(this.dataInputs(operator));
    const requantized = this.requantized.get(index);
    const inputs = operator.inputs.map((t, k) => {
      if (t < 0) return -1;
      const spec = this.model.tensors[t];
      if (WEIGHTED[operator.code] && k === 1) return this.weights(operator, t);
      if (WEIGHTED[operator.code] && k === 2) return this.bias(operator, t);
      if (spec.type !== TensorType.FLOAT32) return this.constant(t);
      if (this.isConstant(t)) {
        // A float constant operand (ADD's, CONCATENATION's): quantized like the activation it stands for.
        const parameters = SAME_SCALE.has(operator.code) ? outputParameters : this.fromRange(rangeOfValues(floatsOf(spec.data!)));
        return this.quantizedConstant(t, parameters);
      }
      if (!data.has(k)) throw new TinyqError('INVALID_MODEL', `operator ${index} (${operatorName(operator.code)}) reads float activation ${spec.name} as a non-data input`);
      const integer = this.view(t, 'int');
      if (!requantized?.has(k)) return integer;
      const moved = this.builder.addTensor({ name: `${spec.name}/requantized`, shape: spec.shape, type: this.mode.type, quantization: this.quantization(outputParameters) });
      this.convert(integer, moved, Op.QUANTIZE);
      return moved;
    });
    for (const t of operator.outputs) this.home.set(t, 'int');
    const outputs = operator.outputs.map((t) => this.homeTensor(t));
    this.builder.addOperator({ code: operator.code, version: INTEGER_VERSIONS[operator.code], inputs, outputs, options: operator.options });
  }

  private quantizedConstant(tensor: number, parameters: Parameters): number {
    const spec = this.model.tensors[tensor];
    const values = floatsOf(spec.data!);
    const { qmin, qmax, type } = this.mode;
    const quantized = type === TensorType.INT16 ? new Int16Array(values.length) : new Int8Array(values.length);
    for (let i = 0; i < values.length; i++) {
      quantized[i] = Math.min(qmax, Math.max(qmin, roundHalfAwayFromZero(values[i] / parameters.scale) + parameters.zeroPoint));
    }
    return this.builder.addTensor({ name: spec.name, shape: spec.shape, type, quantization: this.quantization(parameters), data: bytesOf(quantized) });
  }

  /** Weight scales per output channel of each weighted operator, for its bias. */
  private readonly weightScales = new Map<OperatorSpec, number[]>();

  private weights(operator: OperatorSpec, tensor: number): number {
    const spec = this.model.tensors[tensor];
    const axis = WEIGHTED[operator.code].axis;
    const channels = spec.shape[axis];
    const bits = this.options.weightBits ?? 8;
    // 8-bit weights use TFLite's narrow range [-127, 127]; 4-bit ones [-8, 7] with scale max|w| / 7.
    const qmax = bits === 8 ? 127 : 7;
    const qmin = bits === 8 ? -127 : -8;
    const channelOf = channelIndexer(spec.shape, axis);
    const groupOf = (i: number) => (this.options.perTensor ? 0 : channelOf(i));
    const groups = this.options.perTensor ? 1 : channels;
    const values = this.options.weightClusters ? clusterWeights(floatsOf(spec.data!), groups, groupOf, this.options.weightClusters) : floatsOf(spec.data!);
    const largest = new Array<number>(groups).fill(0);
    for (let i = 0; i < values.length; i++) largest[groupOf(i)] = Math.max(largest[groupOf(i)], Math.abs(values[i]));
    const quantize = (value: number, scale: number) => Math.min(qmax, Math.max(qmin, roundHalfAwayFromZero(value / scale)));
    const scales = largest.map((m) => (m > 0 ? Math.fround(m / qmax) : 1));
    const quantized = new Int8Array(values.length);
    for (let i = 0; i < values.length; i++) quantized[i] = quantize(values[i], scales[groupOf(i)]);
    this.weightScales.set(operator, this.options.perTensor ? new Array<number>(channels).fill(scales[0]) : scales);
    return this.builder.addTensor({
      name: spec.name, shape: spec.shape, type: bits === 4 ? TensorType.INT4 : TensorType.INT8, data: bits === 4 ? packInt4(quantized) : bytesOf(quantized),
      quantization: { scale: scales, zeroPoint: scales.map(() => 0), axis: this.options.perTensor ? 0 : axis },
    });
  }

  private bias(operator: OperatorSpec, tensor: number): number {
    const spec = this.model.tensors[tensor];
    const values = floatsOf(spec.data!);
    const inputScale = this.parameters(operator.inputs[0]).scale;
    const weightScales = this.weightScales.get(operator)!;
    const scales = weightScales.map((w) => Math.fround(inputScale * w));
    const wide = this.mode.type === TensorType.INT16;
    const limit = wide ? 2 ** 63 : 2 ** 31;
    const quantized = values.map((v, c) => Math.min(limit - 1, Math.max(-limit, roundHalfAwayFromZero(v / scales[c]))));
    const data = wide ? bytesOf(BigInt64Array.from(quantized, (v) => BigInt(v))) : bytesOf(Int32Array.from(quantized));
    const perChannel = !this.options.perTensor;
    return this.builder.addTensor({
      name: spec.name, shape: spec.shape, type: wide ? TensorType.INT64 : TensorType.INT32, data,
      quantization: { scale: perChannel ? scales : [scales[0]], zeroPoint: (perChannel ? scales : [0]).map(() => 0), axis: 0 },
    });
  }
}

/** Lloyd iterations of the weight k-means. */
const KMEANS_ITERATIONS = 30;

/**
 * Non-uniform (codebook) weights: the values of each group (output channel, or the whole tensor)
 * replaced by the nearest of `clusters` centroids found by 1-D k-means (initialised evenly over
 * the group's range, as TF-MOT's weight clustering does). Quantized linearly afterwards, a group
 * then uses at most `clusters` of the integer levels: the model stays a plain TFLite model, and
 * its weights compress well (few distinct bytes).
 */
function clusterWeights(values: Float32Array, groups: number, groupOf: (i: number) => number, clusters: number): Float32Array {
  const members: number[][] = Array.from({ length: groups }, () => []);
  values.forEach((_, i) => members[groupOf(i)].push(i));
  const clustered = new Float32Array(values.length);
  for (const indices of members) {
    const own = indices.map((i) => values[i]);
    const low = own.reduce((a, b) => Math.min(a, b), Infinity);
    const high = own.reduce((a, b) => Math.max(a, b), -Infinity);
    let centroids = Array.from({ length: clusters }, (_, k) => (clusters === 1 ? (low + high) / 2 : low + ((high - low) * k) / (clusters - 1)));
    const nearest = (value: number) => centroids.reduce((best, c, k) => (Math.abs(value - c) < Math.abs(value - centroids[best]) ? k : best), 0);
    for (let iteration = 0; iteration < KMEANS_ITERATIONS; iteration++) {
      const sums = new Array<number>(clusters).fill(0);
      const counts = new Array<number>(clusters).fill(0);
      for (const value of own) {
        const k = nearest(value);
        sums[k] += value;
        counts[k]++;
      }
      centroids = centroids.map((c, k) => (counts[k] > 0 ? sums[k] / counts[k] : c));
    }
    for (const i of indices) clustered[i] = centroids[nearest(values[i])];
  }
  return clustered;
}

/** TFLite's int4 layout: two values per byte, the even element in the low nibble. */
function packInt4(values: Int8Array): Uint8Array {
  const packed = new Uint8Array(Math.ceil(values.length / 2));
  values.forEach((v, i) => (packed[i >> 1] |= (v & 0x0F) << (4 * (i & 1))));
  return packed;
}

/** Maps a flat element index to its index along `axis`. */
function channelIndexer(shape: number[], axis: number): (index: number) => number {
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const extent = shape[axis];
  return (index) => Math.floor(index / inner) % extent;
}

function rangeOfValues(values: Float32Array): Range {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return values.length > 0 ? { min, max } : { min: 0, max: 0 };
}
