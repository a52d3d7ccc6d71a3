// Which kernel runs each builtin operator.

import { BuiltinOperator } from "../schema";
import { Abs } from "./abs";
import { Add } from "./add";
import { ArgMinMax } from "./arg_min_max";
import { BatchMatMul } from "./batch_matmul";
import { Cast } from "./cast";
import { Concatenation } from "./concatenation";
import { Conv2D } from "./conv2d";
import { DepthToSpace } from "./depth_to_space";
import { DepthwiseConv2D } from "./depthwise_conv2d";
import { Dequantize } from "./dequantize";
import { Div } from "./div";
import { ExpandDims } from "./expand_dims";
import { Fill } from "./fill";
import { FullyConnected } from "./fully_connected";
import { Gather } from "./gather";
import { HardSwish } from "./hard_swish";
import { Kernel } from "./kernel";
import { L2Normalization } from "./l2_normalization";
import { LeakyRelu } from "./leaky_relu";
import { Logistic } from "./logistic";
import { MaximumMinimum } from "./maximum_minimum";
import { MirrorPad } from "./mirror_pad";
import { Mul } from "./mul";
import { Neg } from "./neg";
import { Pack } from "./pack";
import { Pad } from "./pad";
import { Pool2D, Pooling } from "./pooling";
import { Prelu } from "./prelu";
import { Quantize } from "./quantize";
import { Reduce, Reduction } from "./reduce";
import { Relu } from "./relu";
import { Reshape } from "./reshape";
import { ResizeBilinear } from "./resize_bilinear";
import { ResizeNearestNeighbor } from "./resize_nearest_neighbor";
import { Rsqrt } from "./rsqrt";
import { Shape } from "./shape";
import { Slice } from "./slice";
import { Softmax } from "./softmax";
import { SpaceToDepth } from "./space_to_depth";
import { Split } from "./split";
import { SplitV } from "./split_v";
import { SquaredDifference } from "./squared_difference";
import { Squeeze } from "./squeeze";
import { StridedSlice } from "./strided_slice";
import { Sub } from "./sub";
import { Svdf } from "./svdf";
import { Tanh } from "./tanh";
import { Transpose } from "./transpose";
import { TransposeConv } from "./transpose_conv";
import { UnidirectionalSequenceLstm } from "./unidirectional_sequence_lstm";
import { Unpack } from "./unpack";
import { FloatAdd } from "./float/add";
import { FloatConv2D } from "./float/conv2d";
import { FloatDepthwiseConv2D } from "./float/depthwise_conv2d";
import { FloatFullyConnected } from "./float/fully_connected";
import { FloatLogistic } from "./float/logistic";
import { FloatMean } from "./float/mean";
import { FloatMul } from "./float/mul";
import { FloatPool2D } from "./float/pooling";
import { FloatRelu } from "./float/relu";
import { FloatSoftmax } from "./float/softmax";
import { FloatSub } from "./float/sub";
import { FloatTanh } from "./float/tanh";
import { TensorType } from "../tensor";

/**
 * A fresh kernel for the operator, or null when the engine does not implement it. `inputType` is
 * the type of the operator's first input (-1 without one): float32 operators that have a float
 * kernel get it; operators without one (data movement, QUANTIZE, ...) handle float32 themselves.
 */
export function createKernel(opcode: i32, inputType: i32): Kernel | null {
  if (inputType == TensorType.FLOAT32) {
    const floatKernel = createFloatKernel(opcode);
    if (floatKernel != null) return floatKernel;
  }
  switch (opcode) {
    case BuiltinOperator.ABS: return new Abs();
    case BuiltinOperator.ADD: return new Add();
    case BuiltinOperator.ARG_MAX: return new ArgMinMax(true);
    case BuiltinOperator.ARG_MIN: return new ArgMinMax(false);
    case BuiltinOperator.AVERAGE_POOL_2D: return new Pool2D(Pooling.AVERAGE);
    case BuiltinOperator.BATCH_MATMUL: return new BatchMatMul();
    case BuiltinOperator.CAST: return new Cast();
    case BuiltinOperator.CONCATENATION: return new Concatenation();
    case BuiltinOperator.CONV_2D: return new Conv2D();
    case BuiltinOperator.DEPTHWISE_CONV_2D: return new DepthwiseConv2D();
    case BuiltinOperator.DEPTH_TO_SPACE: return new DepthToSpace();
    case BuiltinOperator.DEQUANTIZE: return new Dequantize();
    case BuiltinOperator.DIV: return new Div();
    case BuiltinOperator.EXPAND_DIMS: return new ExpandDims();
    case BuiltinOperator.FILL: return new Fill();
    case BuiltinOperator.FULLY_CONNECTED: return new FullyConnected();
    case BuiltinOperator.GATHER: return new Gather();
    case BuiltinOperator.HARD_SWISH: return new HardSwish();
    case BuiltinOperator.L2_NORMALIZATION: return new L2Normalization();
    case BuiltinOperator.L2_POOL_2D: return new Pool2D(Pooling.L2);
    case BuiltinOperator.LEAKY_RELU: return new LeakyRelu();
    case BuiltinOperator.LOGISTIC: return new Logistic();
    case BuiltinOperator.MAXIMUM: return new MaximumMinimum(true);
    case BuiltinOperator.MAX_POOL_2D: return new Pool2D(Pooling.MAX);
    case BuiltinOperator.MEAN: return new Reduce(Reduction.MEAN);
    case BuiltinOperator.MINIMUM: return new MaximumMinimum(false);
    case BuiltinOperator.MIRROR_PAD: return new MirrorPad();
    case BuiltinOperator.MUL: return new Mul();
    case BuiltinOperator.NEG: return new Neg();
    case BuiltinOperator.PACK: return new Pack();
    case BuiltinOperator.PAD: return new Pad();
    case BuiltinOperator.PADV2: return new Pad();
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
    case BuiltinOperator.SHAPE: return new Shape();
    case BuiltinOperator.SLICE: return new Slice();
    case BuiltinOperator.SOFTMAX: return new Softmax();
    case BuiltinOperator.SPACE_TO_DEPTH: return new SpaceToDepth();
    case BuiltinOperator.SPLIT: return new Split();
    case BuiltinOperator.SPLIT_V: return new SplitV();
    case BuiltinOperator.SQUARED_DIFFERENCE: return new SquaredDifference();
    case BuiltinOperator.SQUEEZE: return new Squeeze();
    case BuiltinOperator.STRIDED_SLICE: return new StridedSlice();
    case BuiltinOperator.SUB: return new Sub();
    case BuiltinOperator.SUM: return new Reduce(Reduction.SUM);
    case BuiltinOperator.SVDF: return new Svdf();
    case BuiltinOperator.TANH: return new Tanh();
    case BuiltinOperator.TRANSPOSE: return new Transpose();
    case BuiltinOperator.TRANSPOSE_CONV: return new TransposeConv();
    case BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM: return new UnidirectionalSequenceLstm();
    case BuiltinOperator.UNPACK: return new Unpack();
    default: return null;
  }
}

/** The float32 kernel of the operator, or null when float32 goes to the operator's general kernel. */
function createFloatKernel(opcode: i32): Kernel | null {
  switch (opcode) {
    case BuiltinOperator.ADD: return new FloatAdd();
    case BuiltinOperator.AVERAGE_POOL_2D: return new FloatPool2D(Pooling.AVERAGE);
    case BuiltinOperator.CONV_2D: return new FloatConv2D();
    case BuiltinOperator.DEPTHWISE_CONV_2D: return new FloatDepthwiseConv2D();
    case BuiltinOperator.FULLY_CONNECTED: return new FloatFullyConnected();
    case BuiltinOperator.LOGISTIC: return new FloatLogistic();
    case BuiltinOperator.MAX_POOL_2D: return new FloatPool2D(Pooling.MAX);
    case BuiltinOperator.MEAN: return new FloatMean();
    case BuiltinOperator.MUL: return new FloatMul();
    case BuiltinOperator.RELU: return new FloatRelu(0, Infinity);
    case BuiltinOperator.RELU6: return new FloatRelu(0, 6);
    case BuiltinOperator.RELU_N1_TO_1: return new FloatRelu(-1, 1);
    case BuiltinOperator.SOFTMAX: return new FloatSoftmax();
    case BuiltinOperator.SUB: return new FloatSub();
    case BuiltinOperator.TANH: return new FloatTanh();
    default: return null;
  }
}
