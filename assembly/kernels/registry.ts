// Which kernel runs each builtin operator.

import { BuiltinOperator } from "../schema";
import { Add } from "./add";
import { ArgMinMax } from "./arg_min_max";
import { BatchMatMul } from "./batch_matmul";
import { Conv2D } from "./conv2d";
import { DepthwiseConv2D } from "./depthwise_conv2d";
import { Dequantize } from "./dequantize";
import { FullyConnected } from "./fully_connected";
import { Kernel } from "./kernel";
import { Pool2D, Pooling } from "./pooling";
import { Quantize } from "./quantize";
import { Reduce, Reduction } from "./reduce";
import { Reshape } from "./reshape";
import { ResizeBilinear } from "./resize_bilinear";
import { ResizeNearestNeighbor } from "./resize_nearest_neighbor";
import { Softmax } from "./softmax";
import { TransposeConv } from "./transpose_conv";

/** A fresh kernel for the operator, or null when the engine does not implement it. */
export function createKernel(opcode: i32): Kernel | null {
  switch (opcode) {
    case BuiltinOperator.ADD: return new Add();
    case BuiltinOperator.ARG_MAX: return new ArgMinMax(true);
    case BuiltinOperator.ARG_MIN: return new ArgMinMax(false);
    case BuiltinOperator.AVERAGE_POOL_2D: return new Pool2D(Pooling.AVERAGE);
    case BuiltinOperator.BATCH_MATMUL: return new BatchMatMul();
    case BuiltinOperator.CONV_2D: return new Conv2D();
    case BuiltinOperator.DEPTHWISE_CONV_2D: return new DepthwiseConv2D();
    case BuiltinOperator.DEQUANTIZE: return new Dequantize();
    case BuiltinOperator.FULLY_CONNECTED: return new FullyConnected();
    case BuiltinOperator.L2_POOL_2D: return new Pool2D(Pooling.L2);
    case BuiltinOperator.MAX_POOL_2D: return new Pool2D(Pooling.MAX);
    case BuiltinOperator.MEAN: return new Reduce(Reduction.MEAN);
    case BuiltinOperator.QUANTIZE: return new Quantize();
    case BuiltinOperator.REDUCE_MAX: return new Reduce(Reduction.MAX);
    case BuiltinOperator.REDUCE_MIN: return new Reduce(Reduction.MIN);
    case BuiltinOperator.RESHAPE: return new Reshape();
    case BuiltinOperator.RESIZE_BILINEAR: return new ResizeBilinear();
    case BuiltinOperator.RESIZE_NEAREST_NEIGHBOR: return new ResizeNearestNeighbor();
    case BuiltinOperator.SOFTMAX: return new Softmax();
    case BuiltinOperator.SUM: return new Reduce(Reduction.SUM);
    case BuiltinOperator.TRANSPOSE_CONV: return new TransposeConv();
    default: return null;
  }
}
