// Which kernel runs each builtin operator.

import { BuiltinOperator } from "../schema";
import { Add } from "./add";
import { Conv2D } from "./conv2d";
import { DepthwiseConv2D } from "./depthwise_conv2d";
import { Dequantize } from "./dequantize";
import { Div } from "./div";
import { FullyConnected } from "./fully_connected";
import { Kernel } from "./kernel";
import { MaximumMinimum } from "./maximum_minimum";
import { Mul } from "./mul";
import { Pool2D } from "./pooling";
import { Quantize } from "./quantize";
import { Reshape } from "./reshape";
import { Softmax } from "./softmax";
import { SquaredDifference } from "./squared_difference";
import { Sub } from "./sub";

/** A fresh kernel for the operator, or null when the engine does not implement it. */
export function createKernel(opcode: i32): Kernel | null {
  switch (opcode) {
    case BuiltinOperator.ADD: return new Add();
    case BuiltinOperator.AVERAGE_POOL_2D: return new Pool2D(true);
    case BuiltinOperator.CONV_2D: return new Conv2D();
    case BuiltinOperator.DEPTHWISE_CONV_2D: return new DepthwiseConv2D();
    case BuiltinOperator.DEQUANTIZE: return new Dequantize();
    case BuiltinOperator.DIV: return new Div();
    case BuiltinOperator.FULLY_CONNECTED: return new FullyConnected();
    case BuiltinOperator.MAXIMUM: return new MaximumMinimum(true);
    case BuiltinOperator.MAX_POOL_2D: return new Pool2D(false);
    case BuiltinOperator.MINIMUM: return new MaximumMinimum(false);
    case BuiltinOperator.MUL: return new Mul();
    case BuiltinOperator.QUANTIZE: return new Quantize();
    case BuiltinOperator.RESHAPE: return new Reshape();
    case BuiltinOperator.SOFTMAX: return new Softmax();
    case BuiltinOperator.SQUARED_DIFFERENCE: return new SquaredDifference();
    case BuiltinOperator.SUB: return new Sub();
    default: return null;
  }
}
