// One conversion per ONNX operator family. Each takes a Call (float, or quantized with int8
// inputs and the output quantization) and writes the TFLite operators for it. QOperator nodes
// (QLinearConv, QGemm, ...) are turned into the Call of the float operator they quantize.

import { Activation, Op, OptionsType, Padding, type OptionField } from '../tflite/builder.js';
import type { Call, ConstantValues, Converter, OperatorSpec, Quant, Value } from './convert.js';
import { realValues, toInt32 } from './convert.js';
import { broadcastShapes, elementCount, identity, NHWC, normalizeAxis, permute, permuteData, sameValues, type Perm } from './layout.js';
import type { OnnxNode } from './model.js';

/** TFLite's int8 LOGISTIC and SOFTMAX write this output quantization; other ones are requantized. */
const PROBABILITY_QUANT: Quant = { scale: [1 / 256], zeroPoint: [-128], axis: 0 };

const version = (call: Call, quantizedVersion: number, floatVersion = 1) => (call.quantized ? quantizedVersion : floatVersion);

function input(converter: Converter, call: Call, index: number): Value {
  const value = call.inputs[index];
  if (!value) converter.fail(call.node, `input ${index} is missing`, 'INVALID_MODEL');
  return value;
}

/** The output quantization of a quantized call that computes (conv, dense, add, ...). */
function outputQuant(converter: Converter, call: Call): Quant | undefined {
  if (!call.quantized) return undefined;
  if (!call.outQuant) converter.fail(call.node, 'a quantized operator needs the quantization of its output', 'INVALID_MODEL');
  return call.outQuant;
}

function requireRank(converter: Converter, call: Call, value: Value, rank: number, what: string): void {
  if (value.shape.length !== rank) converter.fail(call.node, `${what} ${value.name} has rank ${value.shape.length}; only ${rank}-D (${rank === 4 ? 'N, C, H, W' : ''}) is supported`);
}

// ---------------------------------------------------------------- windows (conv, pools)

interface Window {
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  /** top, left, bottom, right */
  pads: [number, number, number, number];
  output: [number, number];
}

function windowOf(converter: Converter, node: OnnxNode, size: [number, number], kernel: [number, number]): Window {
  const strides = (converter.ints(node, 'strides', [1, 1]) ?? [1, 1]) as [number, number];
  const dilations = (converter.ints(node, 'dilations', [1, 1]) ?? [1, 1]) as [number, number];
  const kernelShape = converter.ints(node, 'kernel_shape', undefined);
  if (kernelShape && !sameValues(kernelShape, kernel)) converter.fail(node, `kernel_shape [${kernelShape}] differs from the weights' [${kernel}]`, 'INVALID_MODEL');
  if (strides.length !== 2 || dilations.length !== 2 || strides.some((s) => s < 1) || dilations.some((d) => d < 1)) converter.fail(node, 'strides and dilations must be 2 positive values', 'INVALID_MODEL');
  const extent = (axis: number) => (kernel[axis] - 1) * dilations[axis] + 1;
  const autoPad = converter.string(node, 'auto_pad', 'NOTSET');
  let pads: number[];
  if (autoPad === 'NOTSET') pads = converter.ints(node, 'pads', [0, 0, 0, 0])!;
  else if (autoPad === 'VALID') pads = [0, 0, 0, 0];
  else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const totals = [0, 1].map((axis) => Math.max(0, (Math.ceil(size[axis] / strides[axis]) - 1) * strides[axis] + extent(axis) - size[axis]));
    const before = totals.map((total) => (autoPad === 'SAME_UPPER' ? Math.floor(total / 2) : Math.ceil(total / 2)));
    pads = [before[0], before[1], totals[0] - before[0], totals[1] - before[1]];
  } else converter.unsupportedAttribute(node, 'auto_pad', autoPad);
  if (pads.length !== 4 || pads.some((p) => p < 0)) converter.unsupportedAttribute(node, 'pads', pads, 'four non-negative values are supported');
  const ceilMode = converter.number(node, 'ceil_mode', 0);
  const output = [0, 1].map((axis) => {
    const span = size[axis] + pads[axis] + pads[axis + 2] - extent(axis);
    if (span < 0) converter.fail(node, 'the window is larger than the padded input', 'INVALID_MODEL');
    const floorSize = Math.floor(span / strides[axis]) + 1;
    // ceil_mode adds a window that starts inside the padded input.
    const ceilSize = Math.ceil(span / strides[axis]) + 1;
    if (ceilMode && ceilSize !== floorSize && (ceilSize - 1) * strides[axis] < size[axis] + pads[axis]) converter.unsupportedAttribute(node, 'ceil_mode', ceilMode, 'a partial last window is not supported');
    return floorSize;
  }) as [number, number];
  return { kernel, strides, dilations, pads: pads as Window['pads'], output };
}

/** TFLite's padding scheme with the same pads and output size, if there is one. */
function tflitePadding(window: Window, size: [number, number]): number | undefined {
  if (window.pads.every((p) => p === 0)) return Padding.VALID;
  for (const axis of [0, 1]) {
    const output = Math.ceil(size[axis] / window.strides[axis]);
    const extent = (window.kernel[axis] - 1) * window.dilations[axis] + 1;
    const total = Math.max(0, (output - 1) * window.strides[axis] + extent - size[axis]);
    if (output !== window.output[axis] || window.pads[axis] !== Math.floor(total / 2) || window.pads[axis + 2] !== total - Math.floor(total / 2)) return undefined;
  }
  return Padding.SAME;
}

/** Pads an NHWC image explicitly (PAD writes the zero point, i.e. real 0) for a VALID window. */
function padImage(converter: Converter, call: Call, image: Value, pads: Window['pads']): Value {
  const [top, left, bottom, right] = pads;
  return padValue(converter, call, image, [0, 0, top, left], [0, 0, bottom, right], 0, 'constant');
}

// ---------------------------------------------------------------- convolution

function biasFor(converter: Converter, call: Call, bias: Value | undefined, channels: number, inputQuant: Quant | undefined, weightScales: number[] | undefined, beta = 1): Value | undefined {
  if (!bias) return undefined;
  if (!bias.constant) converter.fail(call.node, `the bias ${bias.name} must be a constant`);
  if (elementCount(bias.shape) !== channels && elementCount(bias.shape) !== 1) converter.fail(call.node, `the bias has ${elementCount(bias.shape)} values for ${channels} channels`, 'INVALID_MODEL');
  const broadcast = (values: ArrayLike<number>) => Array.from({ length: channels }, (_, c) => values[values.length === 1 ? 0 : c]);
  if (!inputQuant || !weightScales) return converter.constant(bias.name, [channels], 'float32', Float32Array.from(broadcast(realValues(bias)), (v) => v * beta));
  const scales = Array.from({ length: channels }, (_, c) => Math.fround(Math.fround(inputQuant.scale[0]) * Math.fround(weightScales[weightScales.length === 1 ? 0 : c])));
  let values: number[];
  if (bias.type === 'int32' && !bias.quant) {
    // QOperator biases are int32 at input scale x weight scale already.
    values = broadcast(bias.constant as Int32Array).map((q) => toInt32(q * beta));
  } else if (bias.type === 'int32' && bias.quant && beta === 1 && broadcast(bias.quant.scale).every((s, c) => Math.abs(Math.fround(s) - scales[c]) <= scales[c] * 1e-6) && bias.quant.zeroPoint.every((z) => z === 0)) {
    values = broadcast(bias.constant as Int32Array);
  } else {
    values = broadcast(realValues(bias)).map((real, c) => toInt32((real * beta) / scales[c]));
  }
  return converter.constant(bias.name, [channels], 'int32', Int32Array.from(values), { scale: scales, zeroPoint: scales.map(() => 0), axis: 0 });
}

/** Weight zero points must be 0 (int8 kernels assume symmetric weights). */
function checkSymmetric(converter: Converter, call: Call, weights: Value): void {
  if (weights.quant && weights.quant.zeroPoint.some((z) => z !== 0)) {
    converter.fail(call.node, `weights ${weights.name} have a non-zero zero point (int8 zero point ${weights.quant.zeroPoint.find((z) => z !== 0)}); the int8 kernels take symmetric weights only`, 'UNSUPPORTED_TYPE');
  }
}

function constantWeights(converter: Converter, call: Call, index: number): Value {
  const weights = input(converter, call, index);
  if (!weights.constant) converter.fail(call.node, `the weights ${weights.name} must be a constant`);
  if (call.quantized && !weights.quant) converter.fail(call.node, `the weights ${weights.name} are not quantized`, 'UNSUPPORTED_TYPE');
  checkSymmetric(converter, call, weights);
  return weights;
}

const conv: OperatorSpec = {
  attributes: ['auto_pad', 'dilations', 'group', 'kernel_shape', 'pads', 'strides'],
  data: () => [0, 1, 2],
  fusesActivation: true,
  convert(converter, call) {
    const { node } = call;
    let x = input(converter, call, 0);
    const weights = constantWeights(converter, call, 1);
    requireRank(converter, call, x, 4, 'input');
    if (weights.shape.length !== 4) converter.fail(node, 'only 2-D convolutions are supported');
    const [batch, channels, height, width] = x.shape;
    const [outChannels, groupChannels, kernelHeight, kernelWidth] = weights.shape;
    const group = converter.number(node, 'group', 1);
    if (group < 1 || channels % group !== 0 || groupChannels * group !== channels || outChannels % group !== 0) converter.fail(node, `group ${group} does not fit ${channels} input and ${outChannels} output channels`, 'INVALID_MODEL');
    const size: [number, number] = [height, width];
    const window = windowOf(converter, node, size, [kernelHeight, kernelWidth]);
    let padding = tflitePadding(window, size);
    x = converter.inLayout(x, NHWC);
    if (padding === undefined) {
      x = padImage(converter, call, x, window.pads);
      padding = Padding.VALID;
    }
    const depthwise = group === channels && group > 1;
    const quant = outputQuant(converter, call);
    if (weights.quant && weights.quant.scale.length > 1 && weights.quant.axis !== 0) converter.fail(node, `per-channel weights must be quantized along axis 0, not ${weights.quant.axis}`);
    const weightScales = weights.quant?.scale;
    const filterQuant = weights.quant && { ...weights.quant, axis: depthwise ? 3 : 0 };
    // ONNX weights are [O, I/group, kH, kW]: CONV_2D takes [O, kH, kW, I/group], DEPTHWISE_CONV_2D [1, kH, kW, O].
    const filterPerm = depthwise ? [1, 2, 3, 0] : [0, 2, 3, 1];
    const filterData = permuteData(weights.constant as Int8Array, weights.shape, filterPerm, (n) => new (weights.constant!.constructor as new (n: number) => Int8Array)(n));
    const filter = converter.constant(`${weights.name}_filter`, permute(weights.shape, filterPerm), weights.type, filterData, filterQuant);
    const bias = biasFor(converter, call, call.inputs[2], outChannels, x.quant, weightScales);
    const output = converter.newValue(node.outputs[0], [batch, outChannels, window.output[0], window.output[1]], x.type === 'float32' ? 'float32' : 'int8', NHWC, quant);
    const activation = converter.activation(call, quant);
    const [strideHeight, strideWidth] = window.strides;
    const [dilationHeight, dilationWidth] = window.dilations;
    if (depthwise) {
      const operator = converter.emit(Op.DEPTHWISE_CONV_2D, version(call, 3, dilationHeight > 1 || dilationWidth > 1 ? 2 : 1), [x, filter, bias], [output], {
        type: OptionsType.DEPTHWISE_CONV_2D,
        fields: [[0, 'i8', padding], [1, 'i32', strideWidth], [2, 'i32', strideHeight], [3, 'i32', outChannels / channels], [4, 'i8', activation], [5, 'i32', dilationWidth], [6, 'i32', dilationHeight]],
      });
      output.fusable = { operator, activationSlot: 4 };
    } else {
      const operator = converter.emit(Op.CONV_2D, version(call, 3), [x, filter, bias], [output], {
        type: OptionsType.CONV_2D,
        fields: [[0, 'i8', padding], [1, 'i32', strideWidth], [2, 'i32', strideHeight], [3, 'i8', activation], [4, 'i32', dilationWidth], [5, 'i32', dilationHeight]],
      });
      output.fusable = { operator, activationSlot: 3 };
    }
    return output;
  },
};

// ---------------------------------------------------------------- dense layers

/** Weights as FULLY_CONNECTED takes them: [N, K], per-channel along N. */
function denseWeights(converter: Converter, call: Call, weights: Value, kByN: boolean, alpha: number): Value {
  if (weights.shape.length !== 2) converter.fail(call.node, `the weights ${weights.name} must be 2-D`);
  const perChannel = weights.quant && weights.quant.scale.length > 1;
  const channelAxis = kByN ? 1 : 0;
  if (perChannel && weights.quant!.axis !== channelAxis) converter.fail(call.node, `per-channel weights must be quantized along the output axis (${channelAxis})`);
  const perm = kByN ? [1, 0] : [0, 1];
  const data = permuteData(weights.constant!, weights.shape, perm, (n) => (weights.type === 'float32' ? new Float32Array(n) : new Int8Array(n)) as ConstantValues & Int8Array);
  if (!weights.quant) {
    const scaled = alpha === 1 ? data : Float32Array.from(data as Float32Array, (v) => v * alpha);
    return converter.constant(weights.name, permute(weights.shape, perm), 'float32', scaled);
  }
  // alpha multiplies the real weights: it scales their quantization, not their integers.
  const quant = { ...weights.quant, scale: weights.quant.scale.map((s) => Math.fround(s * alpha)), axis: 0 };
  return converter.constant(weights.name, permute(weights.shape, perm), 'int8', data, quant);
}

/** FULLY_CONNECTED of `x` ([..., K]) with [N, K] weights. */
function fullyConnected(converter: Converter, call: Call, x: Value, weights: Value, bias: Value | undefined, beta: number): Value {
  const [units, depth] = weights.shape;
  const order = converter.columnOrder(x);
  if (order) {
    const reordered = new (weights.constant!.constructor as new (n: number) => Int8Array)(units * depth);
    for (let n = 0; n < units; n++) for (let j = 0; j < depth; j++) reordered[n * depth + j] = (weights.constant as Int8Array)[n * depth + order[j]];
    weights = { ...weights, constant: reordered, derived: new Map() };
  } else {
    x = converter.inLayout(x, identity(x.shape.length));
  }
  if (x.shape[x.shape.length - 1] !== depth) converter.fail(call.node, `input ${x.name} has ${x.shape[x.shape.length - 1]} features; the weights take ${depth}`, 'INVALID_MODEL');
  const quant = outputQuant(converter, call);
  const keepNumDims = x.shape.length > 2;
  const outputShape = [...x.shape.slice(0, -1), units];
  if (x.shape.length < 2) converter.fail(call.node, `input ${x.name} must have rank 2 or more`);
  const biasValue = biasFor(converter, call, bias, units, x.quant, weights.quant?.scale, beta);
  const output = converter.newValue(call.node.outputs[0], outputShape, x.type === 'float32' ? 'float32' : 'int8', identity(outputShape.length), quant);
  const operator = converter.emit(Op.FULLY_CONNECTED, keepNumDims ? 5 : version(call, 4), [x, weights, biasValue], [output], {
    type: OptionsType.FULLY_CONNECTED,
    // A hybrid layer (float input, int8 weights) quantizes its input at run time, asymmetrically like onnxruntime's DynamicQuantizeLinear.
    fields: [[0, 'i8', converter.activation(call, quant)], [2, 'bool', keepNumDims], [3, 'bool', x.type === 'float32' && weights.type === 'int8']],
  });
  output.fusable = { operator, activationSlot: 0 };
  return output;
}

/** BATCH_MATMUL of two activations. */
function batchMatMul(converter: Converter, call: Call, a: Value, b: Value, transposeB: boolean): Value {
  if (call.bounds) converter.fail(call.node, 'a fused activation on a matrix product of two activations is not supported');
  a = converter.inLayout(a, identity(a.shape.length));
  b = converter.inLayout(b, identity(b.shape.length));
  if (a.shape.length < 2 || b.shape.length < 2) converter.fail(call.node, 'matrix products need inputs of rank 2 or more');
  const rows = a.shape[a.shape.length - 2];
  const columns = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
  const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2));
  if (!batch) converter.fail(call.node, `batch dimensions [${a.shape}] and [${b.shape}] do not broadcast`, 'INVALID_MODEL');
  const quant = outputQuant(converter, call);
  const output = converter.newValue(call.node.outputs[0], [...batch, rows, columns], a.type === 'float32' ? 'float32' : 'int8', identity(batch.length + 2), quant);
  converter.emit(Op.BATCH_MATMUL, version(call, 2), [a, b], [output], { type: OptionsType.BATCH_MAT_MUL, fields: [[0, 'bool', false], [1, 'bool', transposeB]] });
  return output;
}

const gemm: OperatorSpec = {
  attributes: ['alpha', 'beta', 'transA', 'transB'],
  data: () => [0, 1, 2],
  fusesActivation: true,
  convert(converter, call) {
    const { node } = call;
    const transA = converter.number(node, 'transA', 0);
    if (transA !== 0) converter.unsupportedAttribute(node, 'transA', transA);
    const transB = converter.number(node, 'transB', 0);
    const alpha = converter.number(node, 'alpha', 1);
    const beta = converter.number(node, 'beta', 1);
    const a = input(converter, call, 0);
    requireRank(converter, call, a, 2, 'input');
    const b = input(converter, call, 1);
    if (!b.constant) {
      if (call.inputs[2] || alpha !== 1) converter.fail(node, 'a Gemm of two activations is supported without C and alpha only');
      return batchMatMul(converter, call, a, b, transB === 1);
    }
    const weights = constantWeights(converter, call, 1);
    return fullyConnected(converter, call, a, denseWeights(converter, call, weights, transB === 0, alpha), call.inputs[2], beta);
  },
};

const matMul: OperatorSpec = {
  attributes: [],
  data: () => [0, 1],
  fusesActivation: true,
  convert(converter, call) {
    const a = input(converter, call, 0);
    const b = input(converter, call, 1);
    if (!b.constant) return batchMatMul(converter, call, a, b, false);
    if (b.shape.length !== 2) converter.fail(call.node, 'a constant MatMul operand must be 2-D');
    const weights = constantWeights(converter, call, 1);
    return fullyConnected(converter, call, a, denseWeights(converter, call, weights, true, 1), undefined, 1);
  },
};

// ---------------------------------------------------------------- elementwise

/** Operands of a broadcast binary operator in one common layout. */
function broadcastOperands(converter: Converter, call: Call, operands: Value[]): { values: Value[]; shape: number[]; perm: Perm } {
  const shape = operands.map((v) => v.shape).reduce<number[] | null>((s, t) => (s ? broadcastShapes(s, t) : null), []);
  if (!shape) converter.fail(call.node, `shapes ${operands.map((v) => `[${v.shape}]`).join(' and ')} do not broadcast`, 'INVALID_MODEL');
  const rank = shape.length;
  const lead = operands.find((v) => !v.constant && v.shape.length === rank && !v.columns);
  const perm = lead ? lead.perm : identity(rank);
  const values = operands.map((v) => {
    const full = v.shape.length === rank ? v : converter.reshape(v, [...new Array<number>(rank - v.shape.length).fill(1), ...v.shape]);
    return converter.inLayout(full, perm);
  });
  return { values, shape, perm };
}

function binary(code: number, optionsType: number) {
  return (converter: Converter, call: Call): Value => {
    let operands = [input(converter, call, 0), input(converter, call, 1)];
    if (call.quantized) operands = operands.map((v) => (v.quant ? v : converter.quantizeConstant(v)));
    const { values, shape, perm } = broadcastOperands(converter, call, operands);
    const quant = outputQuant(converter, call);
    const output = converter.newValue(call.node.outputs[0], shape, call.quantized ? 'int8' : 'float32', perm, quant);
    const operator = converter.emit(code, version(call, 2), values, [output], { type: optionsType, fields: [[0, 'i8', converter.activation(call, quant)]] });
    output.fusable = { operator, activationSlot: 0 };
    return output;
  };
}

const add: OperatorSpec = { attributes: [], data: () => [0, 1], fusesActivation: true, convert: binary(Op.ADD, OptionsType.ADD) };
const mul: OperatorSpec = { attributes: [], data: () => [0, 1], fusesActivation: true, convert: binary(Op.MUL, OptionsType.MUL) };

/** A unary operator whose int8 output has a fixed quantization (requantized afterwards when another is wanted). */
function fixedOutputUnary(call: Call, converter: Converter, code: number, x: Value, options?: { type: number; fields: [number, 'f32', number][] }): Value {
  const output = converter.newLike(x, `_${call.node.opType.toLowerCase()}`, x.type, call.quantized ? PROBABILITY_QUANT : undefined);
  converter.emit(code, version(call, 2), [x], [output], options);
  return output;
}

const sigmoid: OperatorSpec = {
  attributes: [],
  convert: (converter, call) => fixedOutputUnary(call, converter, Op.LOGISTIC, input(converter, call, 0)),
};

const softmax: OperatorSpec = {
  attributes: ['axis', 'opset'],
  convert(converter, call) {
    let x = input(converter, call, 0);
    const rank = x.shape.length;
    const opset = converter.number(call.node, 'opset', converter.graph.opset);
    const axis = normalizeAxis(converter.number(call.node, 'axis', opset >= 13 ? -1 : 1), rank);
    const options = { type: OptionsType.SOFTMAX, fields: [[0, 'f32', 1]] as [number, 'f32', number][] };
    // Before opset 13, Softmax normalizes over all axes from `axis` on.
    if (opset < 13 && elementCount(x.shape.slice(axis + 1)) > 1) {
      const flat = converter.reshape(x, [elementCount(x.shape.slice(0, axis)), elementCount(x.shape.slice(axis))]);
      return converter.reshape(fixedOutputUnary(call, converter, Op.SOFTMAX, flat, options), x.shape);
    }
    // Softmax normalizes along the last stored axis; a row whose columns are reordered normalizes the same.
    if (!(x.columns && axis === 1) && x.perm[rank - 1] !== axis) x = converter.inLayout(x, [...identity(rank).filter((a) => a !== axis), axis]);
    return fixedOutputUnary(call, converter, Op.SOFTMAX, x, options);
  },
};

/** Relu / Clip on its own: fused into the operator writing its input when that is its only reader. */
const clamp: OperatorSpec = {
  attributes: ['min', 'max'],
  convert(converter, call) {
    const { node } = call;
    const x = input(converter, call, 0);
    const bounds = converter.clipBounds(node);
    const quant = call.quantized ? call.outQuant ?? x.quant : undefined;
    const code = converter.activationFor(bounds, quant);
    const producer = x.fusable && converter.builder.operators[x.fusable.operator];
    const currentActivation = producer?.options?.fields.find(([slot]) => slot === x.fusable!.activationSlot)?.[2];
    if (code !== undefined && producer && currentActivation === Activation.NONE && converter.readOnce(node.inputs[0])) {
      const options = producer.options!;
      options.fields = options.fields.map((field): OptionField => (field[0] === x.fusable!.activationSlot ? [field[0], 'i8', code] : field));
      converter.builder.tensors[x.tensor!].quantization = quant;
      return { ...x, quant, fusable: undefined, derived: new Map() };
    }
    if (code === Activation.NONE) return quant ? converter.requantize(x, quant) : x;
    const opCode = code === Activation.RELU ? Op.RELU : code === Activation.RELU6 ? Op.RELU6 : code === Activation.RELU_N1_TO_1 ? Op.RELU_N1_TO_1 : undefined;
    if (opCode !== undefined) {
      const output = converter.newLike(x, `_${node.opType.toLowerCase()}`, x.type, quant);
      converter.emit(opCode, version(call, 2), [x], [output]);
      return output;
    }
    if (call.quantized) converter.fail(node, `Clip to [${bounds.low}, ${bounds.high}] on quantized values is supported only where it matches RELU, RELU6 or RELU_N1_TO_1 or can be fused`);
    let result = x;
    for (const [opCode2, bound] of [[Op.MAXIMUM, bounds.low], [Op.MINIMUM, bounds.high]] as const) {
      if (!Number.isFinite(bound)) continue;
      const output = converter.newLike(result, opCode2 === Op.MAXIMUM ? '_max' : '_min', 'float32');
      converter.emit(opCode2, 1, [result, converter.constant(`${x.name}_bound`, [], 'float32', Float32Array.of(bound))], [output], { type: OptionsType.MAXIMUM_MINIMUM, fields: [] });
      result = output;
    }
    return result;
  },
};

// ---------------------------------------------------------------- pools and means

function pool(averaging: boolean): OperatorSpec {
  return {
    attributes: averaging ? ['auto_pad', 'ceil_mode', 'count_include_pad', 'kernel_shape', 'pads', 'strides', 'channels_last'] : ['auto_pad', 'ceil_mode', 'dilations', 'kernel_shape', 'pads', 'storage_order', 'strides'],
    transparent: !averaging,
    fusesActivation: true,
    convert(converter, call) {
      const { node } = call;
      let x = input(converter, call, 0);
      requireRank(converter, call, x, 4, 'input');
      if (converter.number(node, 'storage_order', 0) !== 0) converter.unsupportedAttribute(node, 'storage_order', 1);
      if (converter.number(node, 'channels_last', 0) !== 0) converter.unsupportedAttribute(node, 'channels_last', 1);
      const kernel = converter.ints(node, 'kernel_shape', undefined);
      if (!kernel || kernel.length !== 2) converter.fail(node, 'kernel_shape must give 2 values (2-D pooling)');
      const size: [number, number] = [x.shape[2], x.shape[3]];
      const window = windowOf(converter, node, size, kernel as [number, number]);
      if (window.dilations.some((d) => d !== 1)) converter.unsupportedAttribute(node, 'dilations', window.dilations);
      let padding = tflitePadding(window, size);
      const countPadding = averaging && converter.number(node, 'count_include_pad', 0) === 1;
      x = converter.inLayout(x, NHWC);
      if (padding === undefined || (countPadding && padding === Padding.SAME)) {
        // TFLite's average leaves padding out of the count; count_include_pad=1 counts zeros, as PAD writes them.
        if (!countPadding) converter.unsupportedAttribute(node, 'pads', window.pads, `TFLite pools pad like SAME or VALID; ${averaging ? 'count_include_pad=1 allows any' : 'these'} pads ${averaging ? 'only' : 'are not supported'}`);
        x = padImage(converter, call, x, window.pads);
        padding = Padding.VALID;
      }
      const output = converter.newValue(node.outputs[0], [x.shape[0], x.shape[1], ...window.output], x.type, NHWC, x.quant);
      converter.emit(averaging ? Op.AVERAGE_POOL_2D : Op.MAX_POOL_2D, version(call, 2), [x], [output], {
        type: OptionsType.POOL_2D,
        fields: [[0, 'i8', padding], [1, 'i32', window.strides[1]], [2, 'i32', window.strides[0]], [3, 'i32', window.kernel[1]], [4, 'i32', window.kernel[0]], [5, 'i8', converter.activation(call, x.quant)]],
      });
      return output;
    },
  };
}

/** MEAN over ONNX axes, in whatever layout the input is stored. */
function mean(converter: Converter, call: Call, x: Value, axes: number[], keepDims: boolean): Value {
  if (x.columns) x = converter.inLayout(x, identity(2));
  const rank = x.shape.length;
  const reduced = [...new Set(axes.map((a) => normalizeAxis(a, rank)))].sort();
  if (reduced.some((a) => a < 0 || a >= rank)) converter.fail(call.node, `axes [${axes}] are out of range for rank ${rank}`, 'INVALID_MODEL');
  const shape = keepDims ? x.shape.map((d, a) => (reduced.includes(a) ? 1 : d)) : x.shape.filter((_, a) => !reduced.includes(a));
  const kept = identity(rank).filter((a) => !reduced.includes(a));
  const perm = keepDims ? x.perm : x.perm.filter((a) => !reduced.includes(a)).map((a) => kept.indexOf(a));
  const quant = call.quantized ? call.outQuant ?? x.quant : undefined;
  const output = converter.newValue(call.node.outputs[0], shape, x.type, perm, quant);
  const storedAxes = reduced.map((a) => x.perm.indexOf(a));
  converter.emit(Op.MEAN, version(call, 2), [x, converter.int32Tensor(`${x.name}_axes`, storedAxes)], [output], { type: OptionsType.REDUCER, fields: [[0, 'bool', keepDims]] });
  return output;
}

const globalAveragePool: OperatorSpec = {
  attributes: ['channels_last'],
  convert(converter, call) {
    const x = input(converter, call, 0);
    if (x.shape.length < 3) converter.fail(call.node, 'the input needs spatial axes', 'INVALID_MODEL');
    const channelsLast = converter.number(call.node, 'channels_last', 0) === 1;
    const spatial = channelsLast ? identity(x.shape.length).slice(1, -1) : identity(x.shape.length).slice(2);
    return mean(converter, call, x, spatial, true);
  },
};

const reduceMean: OperatorSpec = {
  attributes: ['axes', 'keepdims', 'noop_with_empty_axes'],
  convert(converter, call) {
    const { node } = call;
    const x = input(converter, call, 0);
    const axes = converter.ints(node, 'axes', undefined) ?? converter.constantInts(node, 1);
    if (!axes || axes.length === 0) {
      if (converter.number(node, 'noop_with_empty_axes', 0) === 1) return x;
      return mean(converter, call, x, identity(x.shape.length), converter.number(node, 'keepdims', 1) === 1);
    }
    return mean(converter, call, x, axes, converter.number(node, 'keepdims', 1) === 1);
  },
};

// ---------------------------------------------------------------- concatenation

const concat: OperatorSpec = {
  attributes: ['axis'],
  data: (node) => node.inputs.map((_, i) => i),
  fusesActivation: true,
  convert(converter, call) {
    const { node } = call;
    const operands = call.inputs.map((v, i) => v ?? converter.fail(node, `input ${i} is missing`, 'INVALID_MODEL'));
    const rank = operands[0].shape.length;
    const axis = normalizeAxis(converter.number(node, 'axis', 0), rank);
    if (operands.some((v) => v.shape.length !== rank || v.shape.some((d, a) => a !== axis && d !== operands[0].shape[a]))) converter.fail(node, 'inputs must have the same shape except along the axis', 'INVALID_MODEL');
    const lead = operands.find((v) => !v.constant && !v.columns);
    const perm = lead ? lead.perm : identity(rank);
    const quant = outputQuant(converter, call);
    // TFLite's int8 concatenation takes inputs already in the output's quantization.
    const values = operands.map((v) => {
      let operand = v;
      if (quant) operand = converter.requantize(operand.quant ? operand : converter.quantizeConstant(operand), quant);
      return converter.inLayout(operand, perm);
    });
    const shape = operands[0].shape.map((d, a) => (a === axis ? operands.reduce((sum, v) => sum + v.shape[axis], 0) : d));
    const output = converter.newValue(node.outputs[0], shape, quant ? 'int8' : 'float32', perm, quant);
    converter.emit(Op.CONCATENATION, version(call, 2), values, [output], {
      type: OptionsType.CONCATENATION,
      fields: [[0, 'i32', perm.indexOf(axis)], [1, 'i8', converter.activation(call, quant)]],
    });
    return output;
  },
};

// ---------------------------------------------------------------- shapes and layout

function reshapeTo(converter: Converter, call: Call, shape: number[]): Value {
  const x = input(converter, call, 0);
  if (elementCount(shape) !== elementCount(x.shape)) converter.fail(call.node, `cannot reshape [${x.shape}] to [${shape}]`, 'INVALID_MODEL');
  return converter.reshape(x, shape, true);
}

const flatten: OperatorSpec = {
  attributes: ['axis'],
  transparent: true,
  convert(converter, call) {
    const x = input(converter, call, 0);
    const axis = normalizeAxis(converter.number(call.node, 'axis', 1), x.shape.length);
    return reshapeTo(converter, call, [elementCount(x.shape.slice(0, axis)), elementCount(x.shape.slice(axis))]);
  },
};

const reshape: OperatorSpec = {
  attributes: ['allowzero'],
  transparent: true,
  convert(converter, call) {
    const x = input(converter, call, 0);
    const requested = converter.constantInts(call.node, 1) ?? converter.fail(call.node, 'the shape input is missing', 'INVALID_MODEL');
    const allowZero = converter.number(call.node, 'allowzero', 0) === 1;
    const shape = requested.map((d, a) => (d === 0 && !allowZero ? x.shape[a] : d));
    const known = shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    return reshapeTo(converter, call, shape.map((d) => (d === -1 ? elementCount(x.shape) / known : d)));
  },
};

const squeeze: OperatorSpec = {
  attributes: ['axes'],
  transparent: true,
  convert(converter, call) {
    const x = input(converter, call, 0);
    const axes = (converter.ints(call.node, 'axes', undefined) ?? converter.constantInts(call.node, 1))?.map((a) => normalizeAxis(a, x.shape.length));
    return reshapeTo(converter, call, x.shape.filter((d, a) => (axes ? !axes.includes(a) : d !== 1)));
  },
};

const unsqueeze: OperatorSpec = {
  attributes: ['axes'],
  transparent: true,
  convert(converter, call) {
    const x = input(converter, call, 0);
    const axesInput = converter.ints(call.node, 'axes', undefined) ?? converter.constantInts(call.node, 1) ?? converter.fail(call.node, 'axes are missing', 'INVALID_MODEL');
    const rank = x.shape.length + axesInput.length;
    const axes = axesInput.map((a) => normalizeAxis(a, rank));
    const shape: number[] = [];
    let next = 0;
    for (let a = 0; a < rank; a++) shape.push(axes.includes(a) ? 1 : x.shape[next++]);
    return reshapeTo(converter, call, shape);
  },
};

/** Transpose only relabels which ONNX axis each stored axis holds; the stored tensor is unchanged. */
const transpose: OperatorSpec = {
  attributes: ['perm'],
  transparent: true,
  convert(converter, call) {
    let x = input(converter, call, 0);
    if (x.columns) x = converter.inLayout(x, identity(2));
    const rank = x.shape.length;
    const order = converter.ints(call.node, 'perm', undefined) ?? identity(rank).reverse();
    if (order.length !== rank || !sameValues([...order].sort(), identity(rank))) converter.fail(call.node, `perm [${order}] is not a permutation of ${rank} axes`, 'INVALID_MODEL');
    const shape = permute(x.shape, order);
    const perm = x.perm.map((axis) => order.indexOf(axis));
    if (x.constant && x.tensor === undefined) {
      const data = permuteData(x.constant, x.shape, order, (n) => new (x.constant!.constructor as new (n: number) => Int8Array)(n));
      return { ...x, shape, constant: data, perm: identity(rank), derived: new Map() };
    }
    return { ...x, name: call.node.outputs[0], shape, perm, fusable: undefined, derived: new Map() };
  },
};

/** PAD / PADV2 / MIRROR_PAD with ONNX-axis pads, in the input's layout. */
function padValue(converter: Converter, call: Call, x: Value, before: number[], after: number[], real: number, mode: string): Value {
  if (x.columns) x = converter.inLayout(x, identity(2));
  const shape = x.shape.map((d, a) => d + before[a] + after[a]);
  const output = converter.newValue(`${x.name}_padded`, shape, x.type, x.perm, x.quant);
  const paddings = converter.constantTensor(`${x.name}_paddings`, [shape.length, 2], 'int32', Int32Array.from(x.perm.flatMap((a) => [before[a], after[a]])));
  if (mode === 'reflect') {
    converter.emit(Op.MIRROR_PAD, version(call, 2), [x, paddings], [output], { type: OptionsType.MIRROR_PAD, fields: [[0, 'i8', 0]] });
    return output;
  }
  if (mode !== 'constant') converter.unsupportedAttribute(call.node, 'mode', mode, 'constant and reflect are');
  const fill = x.quant ? x.quant.zeroPoint[0] + Math.round(real / x.quant.scale[0]) : real;
  const zero = x.quant ? x.quant.zeroPoint[0] : 0;
  if (fill === zero) {
    converter.emit(Op.PAD, version(call, 2), [x, paddings], [output], { type: OptionsType.PAD, fields: [] });
    return output;
  }
  const value = converter.constant(`${x.name}_pad_value`, [], x.type, x.quant ? Int8Array.of(Math.max(-128, Math.min(127, fill))) : Float32Array.of(fill), x.quant);
  converter.emit(Op.PADV2, version(call, 2), [x, paddings, value], [output], { type: OptionsType.PAD_V2, fields: [] });
  return output;
}

const pad: OperatorSpec = {
  attributes: ['mode', 'pads', 'value'],
  data: () => [0],
  transparent: true,
  convert(converter, call) {
    const { node } = call;
    const x = input(converter, call, 0);
    const rank = x.shape.length;
    const given = converter.ints(node, 'pads', undefined) ?? converter.constantInts(node, 1) ?? converter.fail(node, 'pads are missing', 'INVALID_MODEL');
    const axes = (converter.constantInts(node, 3) ?? identity(rank)).map((a) => normalizeAxis(a, rank));
    if (given.length !== 2 * axes.length) converter.fail(node, `${given.length} pads for ${axes.length} axes`, 'INVALID_MODEL');
    const before = new Array<number>(rank).fill(0);
    const after = new Array<number>(rank).fill(0);
    axes.forEach((axis, k) => {
      before[axis] = given[k];
      after[axis] = given[k + axes.length];
    });
    if ([...before, ...after].some((p) => p < 0)) converter.unsupportedAttribute(node, 'pads', given, 'negative pads (cropping) are not supported');
    const real = converter.graph.opset < 11 ? converter.number(node, 'value', 0) : converter.constantReals(node, 2)?.[0] ?? 0;
    return padValue(converter, call, x, before, after, real, converter.string(node, 'mode', 'constant'));
  },
};

const identityOp: OperatorSpec = {
  attributes: [],
  transparent: true,
  convert: (converter, call) => input(converter, call, 0),
};

export const FLOAT_OPERATORS: Record<string, OperatorSpec> = {
  Conv: conv,
  Gemm: gemm,
  MatMul: matMul,
  Add: add,
  Mul: mul,
  MaxPool: pool(false),
  AveragePool: pool(true),
  GlobalAveragePool: globalAveragePool,
  ReduceMean: reduceMean,
  Relu: clamp,
  Clip: clamp,
  Sigmoid: sigmoid,
  Softmax: softmax,
  Concat: concat,
  Flatten: flatten,
  Reshape: reshape,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Transpose: transpose,
  Pad: pad,
  Identity: identityOp,
};

// ---------------------------------------------------------------- QOperator

type QOperator = (converter: Converter, node: OnnxNode) => { op: string; call: Call };

/** Input `index` read as int8 with the scale and zero point at the given inputs. */
function quantizedInput(converter: Converter, node: OnnxNode, index: number, scaleIndex: number, zeroPointIndex: number, axis = 0): Value {
  const { quant } = converter.quantOf(node, scaleIndex, zeroPointIndex, axis);
  return converter.withQuant(converter.value(node.inputs[index], node), quant, node);
}

function checkAttributes(converter: Converter, node: OnnxNode, allowed: string[]): void {
  for (const name of node.attributes.keys()) if (!allowed.includes(name)) converter.fail(node, `attribute '${name}' is not supported`);
}

/** The raw int32 bias of a QOperator (already at input scale x weight scale). */
function rawBias(converter: Converter, node: OnnxNode, index: number): Value | undefined {
  const name = node.inputs[index];
  if (!name) return undefined;
  const bias = converter.value(name, node);
  if (!bias.constant || bias.type !== 'int32') converter.fail(node, `the bias ${name} must be an int32 constant`);
  return bias;
}

function outputOf(converter: Converter, node: OnnxNode, scaleIndex: number, zeroPointIndex: number): Quant {
  if (!node.inputs[scaleIndex]) converter.fail(node, 'a float output (no output scale) is not supported');
  return converter.quantOf(node, scaleIndex, zeroPointIndex).quant;
}

/** com.microsoft QLinear* unary and binary operators: inputs (X, X scale, X zero point)..., then the output's. */
function qlinear(op: string, operands: number): QOperator {
  return (converter, node) => {
    checkAttributes(converter, node, FLOAT_OPERATORS[op].attributes);
    const inputs = Array.from({ length: operands }, (_, k) => quantizedInput(converter, node, 3 * k, 3 * k + 1, 3 * k + 2));
    return { op, call: { node, inputs, quantized: true, outQuant: outputOf(converter, node, 3 * operands, 3 * operands + 1) } };
  };
}

export const QOPERATORS: Record<string, QOperator> = {
  QLinearConv(converter, node) {
    checkAttributes(converter, node, conv.attributes);
    const inputs = [quantizedInput(converter, node, 0, 1, 2), quantizedInput(converter, node, 3, 4, 5, 0), rawBias(converter, node, 8)];
    return { op: 'Conv', call: { node, inputs, quantized: true, outQuant: outputOf(converter, node, 6, 7) } };
  },
  QLinearMatMul(converter, node) {
    checkAttributes(converter, node, []);
    const inputs = [quantizedInput(converter, node, 0, 1, 2), quantizedInput(converter, node, 3, 4, 5, 1)];
    return { op: 'MatMul', call: { node, inputs, quantized: true, outQuant: outputOf(converter, node, 6, 7) } };
  },
  'com.microsoft.QGemm'(converter, node) {
    checkAttributes(converter, node, gemm.attributes);
    const transB = converter.number(node, 'transB', 0);
    const inputs = [quantizedInput(converter, node, 0, 1, 2), quantizedInput(converter, node, 3, 4, 5, transB ? 0 : 1), rawBias(converter, node, 6)];
    return { op: 'Gemm', call: { node, inputs, quantized: true, outQuant: outputOf(converter, node, 7, 8) } };
  },
  'com.microsoft.QLinearAdd': qlinear('Add', 2),
  'com.microsoft.QLinearMul': qlinear('Mul', 2),
  'com.microsoft.QLinearSigmoid': qlinear('Sigmoid', 1),
  'com.microsoft.QLinearSoftmax': qlinear('Softmax', 1),
  'com.microsoft.QLinearAveragePool': qlinear('AveragePool', 1),
  'com.microsoft.QLinearGlobalAveragePool': qlinear('GlobalAveragePool', 1),
  'com.microsoft.QLinearConcat'(converter, node) {
    checkAttributes(converter, node, concat.attributes);
    if ((node.inputs.length - 2) % 3 !== 0) converter.fail(node, 'inputs must be Y scale, Y zero point, then (X, scale, zero point) triples', 'INVALID_MODEL');
    const inputs = Array.from({ length: (node.inputs.length - 2) / 3 }, (_, k) => quantizedInput(converter, node, 2 + 3 * k, 3 + 3 * k, 4 + 3 * k));
    return { op: 'Concat', call: { node, inputs, quantized: true, outQuant: outputOf(converter, node, 0, 1) } };
  },
};

