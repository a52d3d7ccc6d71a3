// BATCH_MATMUL, int8 x int8 (both operands may be activations): TFLite's reference BatchMatMul.
// lhs [..., rows, depth] (adj_x: [..., depth, rows]) times rhs [..., depth, columns]
// (adj_y: [..., columns, depth]); up to three batch axes broadcast NumPy-style. Each output is
// sum((lhs - lhs_zero_point) * (rhs - rhs_zero_point)) requantized by
// lhs_scale * rhs_scale (a float product, as GetQuantizedConvolutionMultipler takes it) / output_scale.

import { fieldU8 } from "../flatbuffer";
import { Graph } from "../graph";
import { clamp, MAX_MULTIPLIER_SHIFT, multiplyByQuantizedMultiplier, quantizedMultiplier, quantizedShift, quantizeMultiplier } from "../quant";
import { OptionsType } from "../schema";
import { Tensor, TensorType } from "../tensor";
import {
  checkArity, checkOutputShape, checkQuantized, checkType, inputTensor, Kernel, operatorError, optionsOf, outputTensor, tensorLabel,
} from "./kernel";

const BATCH_AXES: i32 = 3;

/** How one operand is laid out: element (r, c) of its matrix is at r * rowStride + c * columnStride. */
class Operand {
  tensor!: Tensor;
  rowStride: i32 = 0;
  columnStride: i32 = 0;
  /** Elements between consecutive matrices along each output batch axis (0 where broadcast). */
  batchStrides: StaticArray<i32> = new StaticArray<i32>(BATCH_AXES);
  /** -zero_point, added to every stored value. */
  offset: i32 = 0;

  /** Element index of the matrix at output batch position (b0, b1, b2). */
  // @ts-ignore: decorator
  @inline
  matrixOffset(b0: i32, b1: i32, b2: i32): i32 {
    const strides = this.batchStrides;
    return b0 * unchecked(strides[0]) + b1 * unchecked(strides[1]) + b2 * unchecked(strides[2]);
  }
}

export class BatchMatMul extends Kernel {
  lhs: Operand = new Operand();
  rhs: Operand = new Operand();
  output!: Tensor;
  batchExtents: StaticArray<i32> = new StaticArray<i32>(BATCH_AXES);
  rows: i32 = 0;
  columns: i32 = 0;
  depth: i32 = 0;
  multiplier: i32 = 0;
  shift: i32 = 0;

  prepare(graph: Graph): bool {
    const node = this.node;
    if (!checkArity(node, 2, 2, 1)) return false;
    const lhs = inputTensor(graph, node, 0);
    const rhs = inputTensor(graph, node, 1);
    const output = outputTensor(graph, node, 0);
    this.output = output;
    if (!checkType(node, lhs, TensorType.INT8, "lhs") || !checkType(node, rhs, TensorType.INT8, "rhs")
      || !checkType(node, output, TensorType.INT8, "output")) return false;
    if (!checkQuantized(node, lhs, "lhs") || !checkQuantized(node, rhs, "rhs") || !checkQuantized(node, output, "output")) return false;
    const rank = max(lhs.rank, rhs.rank);
    if (min(lhs.rank, rhs.rank) < 2 || rank > BATCH_AXES + 2) {
      return operatorError(node, "operands " + tensorLabel(lhs) + " and " + tensorLabel(rhs) + " must have 2 to " + (BATCH_AXES + 2).toString() + " dimensions");
    }
    const options = optionsOf(node, OptionsType.BATCH_MAT_MUL);
    const adjointLhs = fieldU8(options, 0, 0) != 0;
    const adjointRhs = fieldU8(options, 1, 0) != 0;
    // lhs is rows x depth, rhs is depth x columns, each possibly stored transposed.
    this.rows = lhs.dim(lhs.rank - (adjointLhs ? 1 : 2));
    this.depth = lhs.dim(lhs.rank - (adjointLhs ? 2 : 1));
    this.columns = rhs.dim(rhs.rank - (adjointRhs ? 2 : 1));
    if (rhs.dim(rhs.rank - (adjointRhs ? 1 : 2)) != this.depth) {
      return operatorError(node, tensorLabel(lhs) + " and " + tensorLabel(rhs) + " do not share an inner dimension");
    }
    this.bindOperand(this.lhs, lhs, adjointLhs ? 1 : this.depth, adjointLhs ? this.rows : 1);
    this.bindOperand(this.rhs, rhs, adjointRhs ? 1 : this.columns, adjointRhs ? this.depth : 1);

    const expected = new StaticArray<i32>(rank);
    for (let axis = 0; axis < BATCH_AXES; axis++) {
      const lhsExtent = batchExtent(lhs, axis);
      const rhsExtent = batchExtent(rhs, axis);
      if (lhsExtent != rhsExtent && lhsExtent != 1 && rhsExtent != 1) {
        return operatorError(node, "batch dimensions of " + tensorLabel(lhs) + " and " + tensorLabel(rhs) + " do not broadcast");
      }
      this.batchExtents[axis] = lhsExtent == 1 ? rhsExtent : lhsExtent;
      const outputAxis = axis - (BATCH_AXES + 2 - rank);
      if (outputAxis >= 0) expected[outputAxis] = this.batchExtents[axis];
    }
    expected[rank - 2] = this.rows;
    expected[rank - 1] = this.columns;
    if (!checkOutputShape(node, output, expected)) return false;

    quantizeMultiplier(<f64>(lhs.scale * rhs.scale) / <f64>output.scale);
    if (quantizedShift > MAX_MULTIPLIER_SHIFT) return operatorError(node, "lhs scale x rhs scale / output scale must be below 2^30");
    this.multiplier = quantizedMultiplier;
    this.shift = quantizedShift;
    this.macs = <f64>output.elementCount * <f64>this.depth;
    return true;
  }

  private bindOperand(operand: Operand, tensor: Tensor, rowStride: i32, columnStride: i32): void {
    operand.tensor = tensor;
    operand.rowStride = rowStride;
    operand.columnStride = columnStride;
    operand.offset = -tensor.zeroPoint;
    let stride = tensor.dim(tensor.rank - 1) * tensor.dim(tensor.rank - 2);
    for (let axis = BATCH_AXES - 1; axis >= 0; axis--) {
      const extent = batchExtent(tensor, axis);
      operand.batchStrides[axis] = extent == 1 ? 0 : stride;
      stride *= extent;
    }
  }

  eval(): void {
    const lhs = this.lhs;
    const rhs = this.rhs;
    const extents = this.batchExtents;
    let outputPointer = this.output.data;
    for (let b0 = 0; b0 < extents[0]; b0++) {
      for (let b1 = 0; b1 < extents[1]; b1++) {
        for (let b2 = 0; b2 < extents[2]; b2++) {
          const lhsMatrix = lhs.tensor.data + <usize>lhs.matrixOffset(b0, b1, b2);
          const rhsMatrix = rhs.tensor.data + <usize>rhs.matrixOffset(b0, b1, b2);
          for (let row = 0; row < this.rows; row++) {
            for (let column = 0; column < this.columns; column++) {
              let accumulator: i32 = 0;
              for (let k = 0; k < this.depth; k++) {
                const lhsValue = <i32>load<i8>(lhsMatrix + <usize>(row * lhs.rowStride + k * lhs.columnStride)) + lhs.offset;
                const rhsValue = <i32>load<i8>(rhsMatrix + <usize>(k * rhs.rowStride + column * rhs.columnStride)) + rhs.offset;
                accumulator += lhsValue * rhsValue;
              }
              const value = multiplyByQuantizedMultiplier(accumulator, this.multiplier, this.shift) + this.output.zeroPoint;
              store<i8>(outputPointer, <i8>clamp(value, -128, 127));
              outputPointer++;
            }
          }
        }
      }
    }
  }
}

/** Extent of batch axis `axis` of 0..2 once the operand is right-aligned to 5 dimensions. */
function batchExtent(tensor: Tensor, axis: i32): i32 {
  const dimension = tensor.rank - (BATCH_AXES + 2) + axis;
  return dimension >= 0 ? tensor.dim(dimension) : 1;
}
