// Which kernel runs each builtin operator.

import { BuiltinOperator } from "../schema";
import { Abs } from "./abs";
import { Add } from "./add";
import { ArgMinMax } from "./arg_min_max";
import { BatchMatMul } from "./batch_matmul";
import { Conv2D } from "./conv2d";
import { DepthwiseConv2D } from "./depthwise_conv2d";
import { Dequantize } from "./dequantize";
import { Div } from "./div";
import { FullyConnected } from "./fully_connected";
import { HardSwish } from "./hard_swish";
import { Kernel } from "./kernel";
import { L2Normalization } from "./l2_normalization";
import { LeakyRelu } from "./leaky_relu";
import { Logistic } from "./logistic";
import { MaximumMinimum } from "./maximum_minimum";
import { Mul } from "./mul";
import { Neg } from "./neg";
import { Pool2D, Pooling } from "./pooling";
import { Prelu } from "./prelu";
import { Quantize } from "./quantize";
import { Reduce, Reduction } from "./reduce";
import { Relu } from "./relu";
import { Reshape } from "./reshape";
import { ResizeBilinear } from "./resize_bilinear";
import { ResizeNearestNeighbor } from "./resize_nearest_neighbor";
import { Rsqrt } from "./rsqrt";
import { Softmax } from "./softmax";
import { SquaredDifference } from "./squared_difference";
import { Sub } from "./sub";
import { Svdf } from "./svdf";
import { Tanh } from "./tanh";
import { TransposeConv } from "./transpose_conv";
import { UnidirectionalSequenceLstm } from "./unidirectional_sequence_lstm";

/** A fresh kernel for the operator, or null when the engine does not implement it. */
export function createKernel(opcode: i32): Kernel | null {
  switch (opcode) {
    case BuiltinOperator.ABS: return new Abs();
    case BuiltinOperator.ADD: return new Add();
    case BuiltinOperator.ARG_MAX: return new ArgMinMax(true);
    case BuiltinOperator.ARG_MIN: return new ArgMinMax(false);
    case BuiltinOperator.AVERAGE_POOL_2D: return new Pool2D(Pooling.AVERAGE);
    case BuiltinOperator.BATCH_MATMUL: return new BatchMatMul();
    case BuiltinOperator.CONV_2D: return new Conv2D();
    case BuiltinOperator.DEPTHWISE_CONV_2D: return new DepthwiseConv2D();
    case BuiltinOperator.DEQUANTIZE: return new Dequantize();
    case BuiltinOperator.DIV: return new Div();
    case BuiltinOperator.FULLY_CONNECTED: return new FullyConnected();
    case BuiltinOperator.HARD_SWISH: return new HardSwish();
    case BuiltinOperator.L2_NORMALIZATION: return new L2Normalization();
    case BuiltinOperator.L2_POOL_2D: return new Pool2D(Pooling.L2);
    case BuiltinOperator.LEAKY_RELU: return new LeakyRelu();
    case BuiltinOperator.LOGISTIC: return new Logistic();
    case BuiltinOperator.MAXIMUM: return new MaximumMinimum(true);
    case BuiltinOperator.MAX_POOL_2D: return new Pool2D(Pooling.MAX);
    case BuiltinOperator.MEAN: return new Reduce(Reduction.MEAN);
    case BuiltinOperator.MINIMUM: return new MaximumMinimum(false);
    case BuiltinOperator.MUL: return new Mul();
    case BuiltinOperator.NEG: return new Neg();
    case BuiltinOperator.PRELU: return new Prelu();
    case BuiltinOperator.QUANTIZE: return new Quantize();
    case BuiltinOperator.REDUCE_MAX: return new Reduce(Reduction.MAX);
    case BuiltinOperator.REDUCE_MIN: return new Reduce(Reduction.MIN);
    case BuiltinOperator.RELU: return new Relu(0, Infinity);
    case BuiltinOperator.RELU6: return new Relu(0, 6);
    case BuiltinOperator.RELU_N1_TO_1: return new Relu(-1, 1);
    case BuiltinOperator.RESHAPE: return new Reshape();
    case BuiltinOperator.RESIZE_BILINEAR: return new ResizeBilinear();
    case BuiltinOperator.RESIZE_NEAREST_NEIGHBOR: return new ResizeNearestNeighbor();
    case BuiltinOperator.RSQRT: return new Rsqrt();
    case BuiltinOperator.SOFTMAX: return new Softmax();
    case BuiltinOperator.SQUARED_DIFFERENCE: return new SquaredDifference();
    case BuiltinOperator.SUB: return new Sub();
    case BuiltinOperator.SUM: return new Reduce(Reduction.SUM);
    case BuiltinOperator.SVDF: return new Svdf();
    case BuiltinOperator.TANH: return new Tanh();
    case BuiltinOperator.TRANSPOSE_CONV: return new TransposeConv();
    case BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM: return new UnidirectionalSequenceLstm();
    default: return null;
  }
}
