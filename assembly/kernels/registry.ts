// Which kernel runs each builtin operator.

import { BuiltinOperator } from "../schema";
import { Add } from "./add";
import { Conv2D } from "./conv2d";
import { DepthToSpace } from "./depth_to_space";
import { DepthwiseConv2D } from "./depthwise_conv2d";
import { Dequantize } from "./dequantize";
import { FullyConnected } from "./fully_connected";
import { Kernel } from "./kernel";
import { Pad } from "./pad";
import { Pool2D } from "./pooling";
import { Quantize } from "./quantize";
import { Reshape } from "./reshape";
import { Slice } from "./slice";
import { Softmax } from "./softmax";
import { SpaceToDepth } from "./space_to_depth";
import { StridedSlice } from "./strided_slice";
import { Transpose } from "./transpose";

/** A fresh kernel for the operator, or null when the engine does not implement it. */
export function createKernel(opcode: i32): Kernel | null {
  switch (opcode) {
    case BuiltinOperator.ADD: return new Add();
    case BuiltinOperator.AVERAGE_POOL_2D: return new Pool2D(true);
    case BuiltinOperator.CONV_2D: return new Conv2D();
    case BuiltinOperator.DEPTHWISE_CONV_2D: return new DepthwiseConv2D();
    case BuiltinOperator.DEPTH_TO_SPACE: return new DepthToSpace();
    case BuiltinOperator.DEQUANTIZE: return new Dequantize();
    case BuiltinOperator.FULLY_CONNECTED: return new FullyConnected();
    case BuiltinOperator.MAX_POOL_2D: return new Pool2D(false);
    case BuiltinOperator.PAD: return new Pad();
    case BuiltinOperator.PADV2: return new Pad();
    case BuiltinOperator.QUANTIZE: return new Quantize();
    case BuiltinOperator.RESHAPE: return new Reshape();
    case BuiltinOperator.SLICE: return new Slice();
    case BuiltinOperator.SOFTMAX: return new Softmax();
    case BuiltinOperator.SPACE_TO_DEPTH: return new SpaceToDepth();
    case BuiltinOperator.STRIDED_SLICE: return new StridedSlice();
    case BuiltinOperator.TRANSPOSE: return new Transpose();
    default: return null;
  }
}
