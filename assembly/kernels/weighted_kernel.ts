// What CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED share: constant int8 weights with
// per-tensor or per-output-channel scales, an optional bias, and the per-channel requantization
// of the accumulators to the output. Activations are int8 with an int32 bias, or int16 with zero
// point 0 (TFLite's 16x8 mode) with an int64 bias, or an int32 one where TFLite takes it. The
// reference accumulates in the bias type, so the kernels' eval loops are generic over the
// activation type and the accumulator type.

import { Graph } from "../graph";
import {
  activationMax, activationMin, activationRange, clamp, MAX_MULTIPLIER_SHIFT,
  MAX_WIDE_MULTIPLIER_SHIFT, multiplyByQuantizedMultiplier, multiplyByQuantizedMultiplierWide,
} from "../quant";
import { GemmInt8 } from "../microkernels/gemm_int8";
import { ChannelQuantization } from "./channel_quantization";
import { Tensor, TensorType } from "../tensor";
import {
  checkArity, checkBias, checkConstant, checkQuantized, checkRank, checkType, inputTensor, Kernel, operatorError,
  optionalInput, outputTensor, tensorLabel, unsupported,
} from "./kernel";

export class WeightedKernel extends Kernel {
  input!: Tensor;
  filter!: Tensor;
  bias: Tensor | null = null;
  output!: Tensor;
  quantization!: ChannelQuantization;
  inputOffset: i32 = 0;
  outputOffset: i32 = 0;
  outputMin: i32 = 0;
  outputMax: i32 = 0;
  /** 16x8 mode: int16 activations. */
  wide: bool = false;
  /** int64 bias and accumulators: 16x8 mode unless the bias is int32. */
  wideAccumulator: bool = false;

  /** Binds and checks input, filter (of the given rank), optional bias and output. */
  bindWeighted(graph: Graph, filterRank: i32): bool {
    const node = this.node;
    if (!checkArity(node, 2, 3, 1)) return false;
    const input = inputTensor(graph, node, 0);
    const filter = inputTensor(graph, node, 1);
    const output = outputTensor(graph, node, 0);
    this.input = input;
    this.filter = filter;
    this.bias = optionalInput(graph, node, 2);
    this.output = output;
    if (input.type != TensorType.INT8 && input.type != TensorType.INT16) {
      return unsupported(node, "input " + tensorLabel(input) + " must be int8 or int16");
    }
    if (!checkType(node, filter, TensorType.INT8, "filter") || !checkType(node, output, input.type, "output")) return false;
    if (!checkRank(node, filter, filterRank, "filter") || !checkConstant(node, filter, "filter")) return false;
    if (!checkQuantized(node, input, "input") || !checkQuantized(node, filter, "filter") || !checkQuantized(node, output, "output")) return false;
    this.wide = input.type == TensorType.INT16;
    if (this.wide && (input.zeroPoint != 0 || output.zeroPoint != 0)) return operatorError(node, "int16 input and output must have zero point 0");
    const bias = this.bias;
    this.wideAccumulator = this.wide && (bias == null || bias.type != TensorType.INT32);
    return true;
  }

  /**
   * Checks the bias and filter scales against the channel count and computes the requantization;
   * maxShift is the largest multiplier exponent the kernel's requantization can take.
   */
  prepareQuantization(channels: i32, activation: i32, maxShift: i32 = MAX_MULTIPLIER_SHIFT): bool {
    const node = this.node;
    const filter = this.filter;
    const bias = this.bias;
    if (filter.quantizationCount != 1 && filter.quantizationCount != channels) {
      return operatorError(node, "filter needs 1 or " + channels.toString() + " scales");
    }
    if (bias != null && !checkBias(node, bias, channels, this.wideAccumulator ? TensorType.INT64 : TensorType.INT32)) return false;
    this.quantization = new ChannelQuantization(this.input, filter, this.output, channels);
    if (this.quantization.largestShift > maxShift) {
      return operatorError(node, "input scale x filter scale / output scale must be below 2^" + maxShift.toString());
    }
    this.inputOffset = -this.input.zeroPoint;
    this.outputOffset = this.output.zeroPoint;
    activationRange(activation, this.output);
    this.outputMin = activationMin;
    this.outputMax = activationMax;
    return true;
  }

  /**
   * The int8 matrix product over `filter` rows of `depth` weights (one per output channel), with
   * this operator's requantization (call after prepareQuantization), for products of `rows` input
   * rows per eval, read from im2col rows (runWidened in the SIMD build) or not. Its per-channel
   * values take the start of the operator's scratch in the scalar build (ChannelQuantization),
   * which folds the input offset into the bias only for several rows.
   */
  int8Gemm(filter: usize, depth: i32, singleRounding: bool, rows: i32, im2col: bool): GemmInt8 {
    const quantization = this.quantization;
    const folded = ASC_FEATURE_SIMD || rows > 1;
    if (folded) quantization.foldInputOffset(filter, depth, this.biasData(), this.inputOffset);
    this.node.scratchBytes = quantization.placeForMicrokernels();
    const gemm = new GemmInt8();
    gemm.filter = filter;
    gemm.depth = depth;
    gemm.channels = quantization.channels;
    gemm.outputOffset = this.outputOffset;
    gemm.outputMin = this.outputMin;
    gemm.outputMax = this.outputMax;
    gemm.singleRounding = singleRounding;
    gemm.inputRows = im2col ? 0 : rows;
    gemm.inputOffset = folded ? 0 : this.inputOffset;
    useGemmQuantization(gemm, quantization, this.biasData());
    gemm.prepare();
    return gemm;
  }

  /** At eval, before a matrix product runs: its per-channel values, refreshed; returns the scratch after them. */
  refreshGemm(gemm: GemmInt8): usize {
    const quantization = this.quantization;
    quantization.refresh(this.node.scratch);
    useGemmQuantization(gemm, quantization, this.biasData());
    return this.node.scratch + <usize>quantization.scratchBytes();
  }

  /** Address of the bias values, or 0 when the operator has no bias. */
  biasData(): usize {
    const bias = this.bias;
    return bias != null ? bias.data : 0;
  }

  /** The bias of an output channel, read as the accumulator type (int32 or int64, as stored). */
  // @ts-ignore: decorator
  @inline
  static biasOf<TAccumulator>(biasData: usize, channel: i32): TAccumulator {
    return <TAccumulator>load<TAccumulator>(biasData + (<usize>channel << alignof<TAccumulator>()));
  }

  /** The reference convolution loop's end of an output value: bias, requantization, offset and clamp. */
  // @ts-ignore: decorator
  @inline
  finishConvolution<TActivation, TAccumulator>(accumulator: TAccumulator, channel: i32, output: usize): void {
    const biasData = this.biasData();
    if (biasData != 0) accumulator += WeightedKernel.biasOf<TAccumulator>(biasData, channel);
    const scaled = WeightedKernel.requantizeConvolution<TAccumulator>(accumulator, this.quantization.multiplier(channel), this.quantization.shift(channel));
    store<TActivation>(output, <TActivation>clamp(scaled + this.outputOffset, this.outputMin, this.outputMax));
  }

  /** The largest multiplier exponent requantizeConvolution takes for this kernel's accumulators. */
  convolutionMaxShift(): i32 {
    return this.wideAccumulator ? MAX_WIDE_MULTIPLIER_SHIFT : MAX_MULTIPLIER_SHIFT;
  }

  /**
   * The convolutions' requantization: the reference's double rounding for int32 accumulators,
   * its 64-bit form with the multiplier reduced to 16 bits for int64 ones.
   */
  // @ts-ignore: decorator
  @inline
  static requantizeConvolution<TAccumulator>(accumulator: TAccumulator, multiplier: i32, shift: i32): i32 {
    return sizeof<TAccumulator>() == 8
      ? multiplyByQuantizedMultiplierWide(<i64>accumulator, multiplier, shift)
      : multiplyByQuantizedMultiplier(<i32>accumulator, multiplier, shift);
  }
}

/** Output pixels of a convolution's NHWC output: the rows of its matrix product. */
export function outputRows(output: Tensor): i32 {
  const channels = output.dim(output.rank - 1);
  return channels > 0 ? output.elementCount / channels : 0;
}

/** Points a matrix product at its per-channel values: the folded bias, or the model's `bias` when none was folded. */
function useGemmQuantization(gemm: GemmInt8, quantization: ChannelQuantization, bias: usize): void {
  gemm.multipliers = quantization.multipliers;
  gemm.shifts = quantization.shifts;
  gemm.bias = quantization.foldedBias != 0 ? quantization.foldedBias : bias;
}
