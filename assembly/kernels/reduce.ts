// MEAN, SUM, REDUCE_MAX and REDUCE_MIN, int8: TFLite's reduce kernel (reduce.cc) with its
// reference paths. The axes come from a constant int32 input (negative values count from the
// end, repeats are ignored); keep_dims keeps reduced axes as extent 1.
// - REDUCE_MAX / REDUCE_MIN compare the stored values; input and output share scale and zero point.
// - MEAN (QuantizedMeanOrSum): the int32 sum minus zero_point * count, requantized by
//   input_scale / output_scale with 1 / count folded into the multiplier. TFLite 2.21 takes this
//   path for every int8 mean, including the keep_dims mean over H and W of a 4-D input.
// - SUM: the same requantization without 1 / count. TFLite 2.21's reference kernel reads int8
//   data as uint8 there (values below zero count as value + 256) and clamps to 0..255 before
//   storing the byte; the goldens follow that, so this kernel does the same.
// A reduction over no axes copies the input, as the reference does.

import { BroadcastCursor, MAX_BROADCAST_RANK } from "../broadcast";
import { fieldU8 } from "../flatbuffer";
import { Graph } from "../graph";
import { clamp, MAX_MULTIPLIER_SHIFT, multiplyByQuantizedMultiplier, quantizedMultiplier, quantizedShift, quantizeMultiplier } from "../quant";
import { OptionsType } from "../schema";
import { Tensor, TensorType } from "../tensor";
import {
  checkArity, checkConstant, checkOutputShape, checkQuantized, checkType, inputTensor, Kernel, operatorError, optionsOf,
  outputTensor, tensorLabel, unsupported,
} from "./kernel";

export namespace Reduction {
  export const MEAN: i32 = 0;
  export const SUM: i32 = 1;
  export const MAX: i32 = 2;
  export const MIN: i32 = 3;
}

export class Reduce extends Kernel {
  input!: Tensor;
  output!: Tensor;
  /** Walks the input; `first` is the output element each input element reduces into. */
  cursor: BroadcastCursor = new BroadcastCursor();
  copiesInput: bool = false;
  /** Input elements per output element (0 for an empty input). */
  reducedCount: i32 = 0;
  inputZeroPoint: i32 = 0;
  outputZeroPoint: i32 = 0;
  multiplier: i32 = 0;
  shift: i32 = 0;

  constructor(readonly reduction: i32) {
    super();
  }

  prepare(graph: Graph): bool {
    const node = this.node;
    if (!checkArity(node, 2, 2, 1)) return false;
    const input = inputTensor(graph, node, 0);
    const axes = inputTensor(graph, node, 1);
    const output = outputTensor(graph, node, 0);
    this.input = input;
    this.output = output;
    if (!checkType(node, input, TensorType.INT8, "input") || !checkType(node, output, TensorType.INT8, "output")) return false;
    if (!checkQuantized(node, input, "input") || !checkQuantized(node, output, "output")) return false;
    if (!this.configureAxes(axes)) return false;
    this.inputZeroPoint = input.zeroPoint;
    this.outputZeroPoint = output.zeroPoint;
    if (this.reduction == Reduction.MAX || this.reduction == Reduction.MIN) {
      if (input.scale != output.scale || input.zeroPoint != output.zeroPoint) {
        return operatorError(node, "input and output must have the same scale and zero point");
      }
      return true;
    }
    return this.prepareRequantization();
  }

  /**
   * Reads the constant axes and keep_dims, checks the output's shape and sets up the walk that
   * maps each input element to the output element it reduces into (any element type).
   */
  configureAxes(axes: Tensor): bool {
    const node = this.node;
    const input = this.input;
    const output = this.output;
    if (!checkType(node, axes, TensorType.INT32, "axis") || !checkConstant(node, axes, "axis")) return false;
    const rank = input.rank;
    if (rank > MAX_BROADCAST_RANK) return unsupported(node, "input " + tensorLabel(input) + " has more than " + MAX_BROADCAST_RANK.toString() + " dimensions");

    const reduced = new StaticArray<bool>(rank);
    // A scalar input ignores the axes, as TFLite's ResolveAxis does.
    for (let i = 0; rank > 0 && i < axes.elementCount; i++) {
      const axis = load<i32>(axes.data + (<usize>i << 2));
      if (axis < -rank || axis >= rank) return operatorError(node, "axis " + axis.toString() + " is outside " + tensorLabel(input));
      reduced[axis < 0 ? axis + rank : axis] = true;
    }
    const keepDims = fieldU8(optionsOf(node, OptionsType.REDUCER), 0, 0) != 0;
    // The output seen with keep_dims: it broadcasts onto the input along the reduced axes.
    const keptShape = new StaticArray<i32>(rank);
    let keptRank = 0;
    for (let d = 0; d < rank; d++) {
      keptShape[d] = reduced[d] ? 1 : input.dim(d);
      if (!reduced[d]) keptRank++;
    }
    const expected = new StaticArray<i32>(keepDims ? rank : keptRank);
    for (let d = 0, e = 0; d < rank; d++) {
      if (keepDims) expected[d] = keptShape[d];
      else if (!reduced[d]) expected[e++] = input.dim(d);
    }
    if (!checkOutputShape(node, output, expected)) return false;
    const keptOutput = new Tensor();
    keptOutput.shape = keptShape;
    keptOutput.elementCount = output.elementCount;
    this.cursor.configure(keptOutput, input, input);

    this.copiesInput = axes.elementCount == 0;
    this.reducedCount = output.elementCount > 0 ? input.elementCount / output.elementCount : 0;
    return true;
  }

  /** The multiplier and shift of the reference's QuantizedMeanOrSum, and its int32 sums in scratch. */
  private prepareRequantization(): bool {
    const node = this.node;
    if (this.output.elementCount > 0x1FFFFFFF) return operatorError(node, "output " + tensorLabel(this.output) + " is too large for int32 sums");
    node.scratchBytes = this.output.elementCount << 2;
    quantizeMultiplier(<f64>this.input.scale / <f64>this.output.scale);
    let multiplier = quantizedMultiplier;
    let shift = quantizedShift;
    if (shift > MAX_MULTIPLIER_SHIFT) return operatorError(node, "input scale / output scale must be below 2^" + MAX_MULTIPLIER_SHIFT.toString());
    const count = this.reducedCount;
    if (this.reduction == Reduction.MEAN && count > 0) {
      // 1 / count goes into the multiplier: shifted up by floor(log2(count)) (keeping the final
      // shift at -31 or above), then divided by count, truncating.
      const countShift = min(31 - clz(count), 31 + shift);
      multiplier = <i32>((<i64>multiplier << countShift) / <i64>count);
      shift -= countShift;
    }
    this.multiplier = multiplier;
    this.shift = shift;
    return true;
  }

  eval(): void {
    const input = this.input;
    const output = this.output;
    if (this.copiesInput) {
      memory.copy(output.data, input.data, <usize>input.byteSize);
      return;
    }
    switch (this.reduction) {
      case Reduction.MAX: this.extreme(true); break;
      case Reduction.MIN: this.extreme(false); break;
      case Reduction.MEAN: this.requantizedSum<i8>(-128, 127); break;
      default: this.requantizedSum<u8>(0, 255);
    }
  }

  private extreme(maximum: bool): void {
    const inputData = this.input.data;
    const outputData = this.output.data;
    const cursor = this.cursor;
    memory.fill(outputData, maximum ? <u8>-128 : 127, <usize>this.output.elementCount);
    cursor.reset();
    for (let i = 0; i < this.input.elementCount; i++) {
      const value = load<i8>(inputData + i);
      const target = outputData + cursor.first;
      if (maximum ? value > load<i8>(target) : value < load<i8>(target)) store<i8>(target, value);
      cursor.advance();
    }
  }

  /** Sums the input read as T into int32 scratch, then requantizes each sum to [low, high]. */
  private requantizedSum<T>(low: i32, high: i32): void {
    const inputData = this.input.data;
    const outputData = this.output.data;
    const outputCount = this.output.elementCount;
    const count = this.reducedCount;
    if (count == 0) {
      memory.fill(outputData, 0, <usize>outputCount);
      return;
    }
    const sums = this.node.scratch;
    const cursor = this.cursor;
    memory.fill(sums, 0, <usize>outputCount << 2);
    cursor.reset();
    for (let i = 0; i < this.input.elementCount; i++) {
      const sum = sums + (<usize>cursor.first << 2);
      store<i32>(sum, load<i32>(sum) + <i32>load<T>(inputData + i));
      cursor.advance();
    }
    const zeroPointSum = this.inputZeroPoint * count;
    for (let o = 0; o < outputCount; o++) {
      const shifted = load<i32>(sums + (<usize>o << 2)) - zeroPointSum;
      const value = multiplyByQuantizedMultiplier(shifted, this.multiplier, this.shift) + this.outputZeroPoint;
      store<u8>(outputData + o, <u8>clamp(value, low, high));
    }
  }
}
