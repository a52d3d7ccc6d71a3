// Which kernel runs each builtin operator.

import { BuiltinOperator } from "../schema";
import { Abs } from "./abs";
import { Add } from "./add";
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
import { Neg } from "./neg";
import { MaximumMinimum } from "./maximum_minimum";
import { Mul } from "./mul";
import { Pool2D } from "./pooling";
import { Prelu } from "./prelu";
import { Quantize } from "./quantize";
import { Relu } from "./relu";
import { Reshape } from "./reshape";
import { Rsqrt } from "./rsqrt";
import { Softmax } from "./softmax";
import { Tanh } from "./tanh";
import { UnidirectionalSequenceLstm } from "./unidirectional_sequence_lstm";
import { Svdf } from "./svdf";
import { SquaredDifference } from "./squared_difference";
import { Sub } from "./sub";

/** A fresh kernel for the operator, or null when the engine does not implement it. */
export function createKernel(opcode: i32): Kernel | null {
  switch (opcode) {
    case BuiltinOperator.ABS: return new Abs();
    case BuiltinOperator.ADD: return new Add();
    case BuiltinOperator.AVERAGE_POOL_2D: return new Pool2D(true);
    case BuiltinOperator.CONV_2D: return new Conv2D();
    case BuiltinOperator.DEPTHWISE_CONV_2D: return new DepthwiseConv2D();
    case BuiltinOperator.DEQUANTIZE: return new Dequantize();
    case BuiltinOperator.DIV: return new Div();
    case BuiltinOperator.FULLY_CONNECTED: return new FullyConnected();
    case BuiltinOperator.HARD_SWISH: return new HardSwish();
    case BuiltinOperator.L2_NORMALIZATION: return new L2Normalization();
    case BuiltinOperator.LEAKY_RELU: return new LeakyRelu();
    case BuiltinOperator.LOGISTIC: return new Logistic();
    case BuiltinOperator.MAX_POOL_2D: return new Pool2D(false);
    case BuiltinOperator.NEG: return new Neg();
    case BuiltinOperator.PRELU: return new Prelu();
    case BuiltinOperator.MAXIMUM: return new MaximumMinimum(true);
    case BuiltinOperator.MAX_POOL_2D: return new Pool2D(false);
    case BuiltinOperator.MINIMUM: return new MaximumMinimum(false);
    case BuiltinOperator.MUL: return new Mul();
    case BuiltinOperator.QUANTIZE: return new Quantize();
    case BuiltinOperator.RELU: return new Relu(0, Infinity);
    case BuiltinOperator.RELU_N1_TO_1: return new Relu(-1, 1);
    case BuiltinOperator.RELU6: return new Relu(0, 6);
    case BuiltinOperator.RESHAPE: return new Reshape();
    case BuiltinOperator.RSQRT: return new Rsqrt();
    case BuiltinOperator.SOFTMAX: return new Softmax();
    case BuiltinOperator.TANH: return new Tanh();
    case BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM: return new UnidirectionalSequenceLstm();
    case BuiltinOperator.SVDF: return new Svdf();
    case BuiltinOperator.SQUARED_DIFFERENCE: return new SquaredDifference();
    case BuiltinOperator.SUB: return new Sub();
    default: return null;
  }
}
