// Checks and readers that the data-movement kernels share: integer parameter tensors (axes,
// permutations, paddings, begins, sizes, indices), axis arguments, and the rules on types and
// quantization of kernels that move bytes without changing them.

import { Graph, Node } from "../graph";
import { Tensor, TensorType } from "../tensor";
import { MAX_COPY_RANK } from "./strided_copy";
import { checkArity, checkConstant, checkOutputShape, inputTensor, operatorError, outputTensor, tensorLabel, unsupported } from "./kernel";

/** An int32 or int64 tensor (the index types TFLite's kernels read). */
export function checkIndexType(node: Node, tensor: Tensor, role: string): bool {
  if (tensor.type == TensorType.INT32 || tensor.type == TensorType.INT64) return true;
  return unsupported(node, role + " " + tensorLabel(tensor) + " must be int32 or int64");
}

/** A constant int32/int64 parameter tensor: the kernel computes everything from it at prepare. */
export function checkIndexParameter(node: Node, tensor: Tensor, role: string): bool {
  return checkIndexType(node, tensor, role) && checkConstant(node, tensor, role);
}

/** Element i of an int32 or int64 tensor. */
export function indexAt(tensor: Tensor, i: i32): i64 {
  return tensor.type == TensorType.INT64 ? load<i64>(tensor.data + (<usize>i << 3)) : <i64>load<i32>(tensor.data + (<usize>i << 2));
}

/** Register of resolveAxis: the axis counted from 0. */
export let resolvedAxis: i32 = 0;

/** An axis argument in [-rank, rank), negative values counting from the end, as TFLite accepts it. */
export function resolveAxis(node: Node, axis: i64, rank: i32, role: string): bool {
  if (axis < -<i64>rank || axis >= <i64>rank) {
    return operatorError(node, role + " " + axis.toString() + " is outside [" + (-rank).toString() + ", " + rank.toString() + ")");
  }
  resolvedAxis = <i32>(axis < 0 ? axis + rank : axis);
  return true;
}

/** Data movement keeps the element type. */
export function checkSameType(node: Node, input: Tensor, output: Tensor): bool {
  if (input.type == output.type) return true;
  return unsupported(node, tensorLabel(input) + " and " + tensorLabel(output) + " must have the same type");
}

/** The bytes are moved without requantization, so TFLite requires the same scale and zero point. */
export function checkSameQuantization(node: Node, input: Tensor, output: Tensor): bool {
  if (input.scale == output.scale && input.zeroPoint == output.zeroPoint) return true;
  return operatorError(node, tensorLabel(input) + " and " + tensorLabel(output) + " must have the same scale and zero point");
}

/** Kernels built on StridedCopy walk at most MAX_COPY_RANK dimensions. */
export function checkCopyRank(node: Node, tensor: Tensor, role: string): bool {
  if (tensor.rank <= MAX_COPY_RANK) return true;
  return unsupported(node, role + " " + tensorLabel(tensor) + " has more than " + MAX_COPY_RANK.toString() + " dimensions");
}

/**
 * The [rank, 2] paddings tensor of PAD, PADV2 and MIRROR_PAD as (before, after) pairs per axis,
 * or null with the error set. Padding amounts must be non-negative int32 values.
 */
export function readPaddings(node: Node, paddings: Tensor, rank: i32): StaticArray<i32> | null {
  if (!checkIndexParameter(node, paddings, "paddings")) return null;
  if (paddings.rank != 2 || paddings.dim(0) != rank || paddings.dim(1) != 2) {
    operatorError(node, "paddings " + tensorLabel(paddings) + " must have shape [" + rank.toString() + ",2]");
    return null;
  }
  const amounts = new StaticArray<i32>(2 * rank);
  for (let i = 0; i < 2 * rank; i++) {
    const amount = indexAt(paddings, i);
    if (amount < 0 || amount > i32.MAX_VALUE) {
      operatorError(node, "padding " + amount.toString() + " of axis " + (i >> 1).toString() + " must be between 0 and 2^31-1");
      return null;
    }
    amounts[i] = <i32>amount;
  }
  return amounts;
}

/** The shape of `input` with the paddings added, or null (with the error set) on overflow. */
export function paddedShape(node: Node, input: Tensor, amounts: StaticArray<i32>): StaticArray<i32> | null {
  const shape = new StaticArray<i32>(input.rank);
  for (let axis = 0; axis < input.rank; axis++) {
    const extent = <i64>input.dim(axis) + amounts[2 * axis] + amounts[2 * axis + 1];
    if (extent > i32.MAX_VALUE) {
      operatorError(node, "padded axis " + axis.toString() + " of " + tensorLabel(input) + " exceeds 2^31-1 elements");
      return null;
    }
    shape[axis] = <i32>extent;
  }
  return shape;
}

/** The product of a shape's extents on axes [from, to): elements per step of axis from - 1. */
export function extentProduct(shape: StaticArray<i32>, from: i32, to: i32): i32 {
  let product = 1;
  for (let axis = from; axis < to; axis++) product *= shape[axis];
  return product;
}

/** A copy of `shape` with axis `axis` set to `extent`. */
export function withExtent(shape: StaticArray<i32>, axis: i32, extent: i32): StaticArray<i32> {
  const result = new StaticArray<i32>(shape.length);
  for (let i = 0; i < shape.length; i++) result[i] = i == axis ? extent : shape[i];
  return result;
}

/** The inputs of CONCATENATION and PACK (one output): one or more, none of them absent; null with the error set otherwise. */
export function variadicInputs(graph: Graph, node: Node): StaticArray<Tensor> | null {
  if (!checkArity(node, max(1, node.inputs.length), i32.MAX_VALUE, 1)) return null;
  const tensors = new StaticArray<Tensor>(node.inputs.length);
  for (let i = 0; i < tensors.length; i++) tensors[i] = inputTensor(graph, node, i);
  return tensors;
}

export function outputTensors(graph: Graph, node: Node): StaticArray<Tensor> {
  const tensors = new StaticArray<Tensor>(node.outputs.length);
  for (let i = 0; i < tensors.length; i++) tensors[i] = outputTensor(graph, node, i);
  return tensors;
}

/** A constant one-element int32/int64 axis tensor, resolved for `rank` axes into resolvedAxis. */
export function resolveAxisTensor(node: Node, tensor: Tensor, rank: i32, role: string): bool {
  if (!checkIndexParameter(node, tensor, role)) return false;
  if (tensor.elementCount != 1) return operatorError(node, role + " " + tensorLabel(tensor) + " must hold one value");
  return resolveAxis(node, indexAt(tensor, 0), rank, role);
}

/** Outputs of SPLIT and SPLIT_V: the input's type, and its shape with `axis` cut to each size. */
export function checkSplitOutputs(node: Node, input: Tensor, outputs: StaticArray<Tensor>, axis: i32, sizes: StaticArray<i32>): bool {
  for (let i = 0; i < outputs.length; i++) {
    const output = outputs[i];
    if (!checkSameType(node, input, output) || !checkOutputShape(node, output, withExtent(input.shape, axis, sizes[i]))) return false;
  }
  return true;
}
