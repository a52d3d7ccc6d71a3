// Per-output-channel requantization of CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV and
// FULLY_CONNECTED: TFLite's PopulateConvolutionQuantizationParams, for each output channel
// input_scale * filter_scale[c] / output_scale in double precision, then QuantizeMultiplier
// (a per-tensor filter scale serves every channel). Matrix products also take the bias with the
// input offset folded in (foldInputOffset in gemm_int8.ts), except the scalar build's products of
// single rows, for which the fold would cost as much as the product (WeightedKernel.int8Gemm).
//
// Where the values live differs by use. Reference loops keep them on the heap (keep). For the
// int8 microkernels the SIMD build also computes them once onto the heap, beside its packed
// filters: it trades memory for speed. The scalar build, the one for small devices and
// interpreters, recomputes them at the start of every eval into the operator's scratch (refresh):
// the arena holds them only while the operator runs, instead of the heap holding every
// operator's for as long as the model is loaded. That costs one QuantizeMultiplier per channel and,
// where the bias is folded, one pass over the filter per eval (README "Embedding").

import { foldInputOffset, paddedChannels } from "../microkernels/gemm_int8";
import { quantizeMultiplier, quantizedMultiplier, quantizedShift } from "../quant";
import { Tensor } from "../tensor";

export class ChannelQuantization {
  input: Tensor;
  filter: Tensor;
  output: Tensor;
  channels: i32;
  /** Kernels refuse shifts above MAX_MULTIPLIER_SHIFT: such multipliers overflow 32 bits. */
  largestShift: i32 = i32.MIN_VALUE;
  /** Each channel's multiplier and shift (i32), and the folded bias when there is one (0 otherwise). */
  multipliers: usize = 0;
  shifts: usize = 0;
  foldedBias: usize = 0;
  /** Folding: filter rows of foldDepth weights (0: no folding), the bias (0: none) and the input offset. */
  foldFilter: usize = 0;
  foldDepth: i32 = 0;
  foldBias: usize = 0;
  inputOffset: i32 = 0;
  /** The scalar build's microkernel operators: recomputed into scratch at every eval. */
  inScratch: bool = false;

  constructor(input: Tensor, filter: Tensor, output: Tensor, channels: i32) {
    this.input = input;
    this.filter = filter;
    this.output = output;
    this.channels = channels;
    for (let c = 0; c < channels; c++) {
      this.quantizeChannel(c);
      this.largestShift = max(this.largestShift, quantizedShift);
    }
  }

  /** A matrix product: also fold the input offset into the bias, over filter rows of `depth` weights. */
  foldInputOffset(filter: usize, depth: i32, bias: usize, inputOffset: i32): void {
    this.foldFilter = filter;
    this.foldDepth = depth;
    this.foldBias = bias;
    this.inputOffset = inputOffset;
  }

  /** Computes the values once onto the heap. */
  keep(): void {
    this.write(changetype<usize>(new StaticArray<u8>(this.bytes())));
  }

  /**
   * For the int8 microkernels: on the heap now in the SIMD build, in the operator's scratch at
   * every eval in the scalar build. Returns the scratch bytes they take there.
   */
  placeForMicrokernels(): i32 {
    if (ASC_FEATURE_SIMD) {
      this.keep();
      return 0;
    }
    this.inScratch = true;
    return this.scratchBytes();
  }

  /** Scratch bytes the values take at the start of the operator's scratch. */
  scratchBytes(): i32 {
    return this.inScratch ? this.bytes() : 0;
  }

  /** At each eval, before a microkernel runs: recomputes the values when they live in scratch. */
  refresh(scratch: usize): void {
    if (this.inScratch) this.write(scratch);
  }

  /** Multipliers and shifts, then the folded biases (16-byte aligned, padded to whole SIMD blocks). */
  private bytes(): i32 {
    return this.foldedBiasOffset() + (this.foldDepth > 0 ? paddedChannels(this.channels) << 2 : 0);
  }

  private foldedBiasOffset(): i32 {
    return ((this.channels << 3) + 15) & ~15;
  }

  private write(at: usize): void {
    const channels = this.channels;
    this.multipliers = at;
    this.shifts = at + (<usize>channels << 2);
    for (let c = 0; c < channels; c++) {
      this.quantizeChannel(c);
      store<i32>(this.multipliers + (<usize>c << 2), quantizedMultiplier);
      store<i32>(this.shifts + (<usize>c << 2), quantizedShift);
    }
    if (this.foldDepth == 0) return;
    this.foldedBias = at + <usize>this.foldedBiasOffset();
    foldInputOffset(this.foldedBias, this.foldFilter, this.foldDepth, channels, this.foldBias, this.inputOffset);
  }

  /** Sets quantizedMultiplier and quantizedShift for output channel c. */
  // @ts-ignore: decorator
  @inline
  private quantizeChannel(c: i32): void {
    quantizeMultiplier(<f64>this.input.scale * <f64>this.filter.channelScale(c) / <f64>this.output.scale);
  }

  /** Channel c's multiplier. */
  // @ts-ignore: decorator
  @inline
  multiplier(c: i32): i32 {
    return load<i32>(this.multipliers + (<usize>c << 2));
  }

  /** Channel c's shift. */
  // @ts-ignore: decorator
  @inline
  shift(c: i32): i32 {
    return load<i32>(this.shifts + (<usize>c << 2));
  }
}
