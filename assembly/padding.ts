// Output sizes and padding of windowed operators (convolution, pooling), as TFLite computes them.

import { Padding } from "./schema";

export function effectiveFilterSize(filterSize: i32, dilation: i32): i32 {
  return (filterSize - 1) * dilation + 1;
}

export function outputSize(padding: i32, inputSize: i32, filterSize: i32, stride: i32, dilation: i32): i32 {
  const effective = effectiveFilterSize(filterSize, dilation);
  if (padding == Padding.SAME) return (inputSize + stride - 1) / stride;
  return inputSize >= effective ? (inputSize - effective + stride) / stride : 0;
}

/** Padding before the first element; SAME puts the odd extra element after, as TFLite does. */
export function paddingBefore(stride: i32, dilation: i32, inputSize: i32, filterSize: i32, outputSize: i32): i32 {
  const total = (outputSize - 1) * stride + effectiveFilterSize(filterSize, dilation) - inputSize;
  return total > 0 ? total / 2 : 0;
}
