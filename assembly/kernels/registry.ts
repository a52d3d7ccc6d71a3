// Which kernel runs each builtin operator.

import { BuiltinOperator } from "../schema";
import { Add } from "./add";
import { Cast } from "./cast";
import { Concatenation } from "./concatenation";
import { Conv2D } from "./conv2d";
import { DepthToSpace } from "./depth_to_space";
import { DepthwiseConv2D } from "./depthwise_conv2d";
import { Dequantize } from "./dequantize";
import { ExpandDims } from "./expand_dims";
import { Fill } from "./fill";
import { FullyConnected } from "./fully_connected";
import { Gather } from "./gather";
import { Kernel } from "./kernel";
import { MirrorPad } from "./mirror_pad";
import { Pack } from "./pack";
import { Pad } from "./pad";
import { Pool2D } from "./pooling";
import { Quantize } from "./quantize";
import { Reshape } from "./reshape";
import { Shape } from "./shape";
import { Slice } from "./slice";
import { Softmax } from "./softmax";
import { SpaceToDepth } from "./space_to_depth";
import { Split } from "./split";
import { SplitV } from "./split_v";
import { Squeeze } from "./squeeze";
import { StridedSlice } from "./strided_slice";
import { Transpose } from "./transpose";
import { Unpack } from "./unpack";

/** A fresh kernel for the operator, or null when the engine does not implement it. */
export function createKernel(opcode: i32): Kernel | null {
  switch (opcode) {
    case BuiltinOperator.ADD: return new Add();
    case BuiltinOperator.AVERAGE_POOL_2D: return new Pool2D(true);
    case BuiltinOperator.CAST: return new Cast();
    case BuiltinOperator.CONCATENATION: return new Concatenation();
    case BuiltinOperator.CONV_2D: return new Conv2D();
    case BuiltinOperator.DEPTHWISE_CONV_2D: return new DepthwiseConv2D();
    case BuiltinOperator.DEPTH_TO_SPACE: return new DepthToSpace();
    case BuiltinOperator.DEQUANTIZE: return new Dequantize();
    case BuiltinOperator.EXPAND_DIMS: return new ExpandDims();
    case BuiltinOperator.FILL: return new Fill();
    case BuiltinOperator.FULLY_CONNECTED: return new FullyConnected();
    case BuiltinOperator.GATHER: return new Gather();
    case BuiltinOperator.MAX_POOL_2D: return new Pool2D(false);
    case BuiltinOperator.MIRROR_PAD: return new MirrorPad();
    case BuiltinOperator.PACK: return new Pack();
    case BuiltinOperator.PAD: return new Pad();
    case BuiltinOperator.PADV2: return new Pad();
    case BuiltinOperator.QUANTIZE: return new Quantize();
    case BuiltinOperator.RESHAPE: return new Reshape();
    case BuiltinOperator.SHAPE: return new Shape();
    case BuiltinOperator.SLICE: return new Slice();
    case BuiltinOperator.SOFTMAX: return new Softmax();
    case BuiltinOperator.SPACE_TO_DEPTH: return new SpaceToDepth();
    case BuiltinOperator.SPLIT: return new Split();
    case BuiltinOperator.SPLIT_V: return new SplitV();
    case BuiltinOperator.SQUEEZE: return new Squeeze();
    case BuiltinOperator.STRIDED_SLICE: return new StridedSlice();
    case BuiltinOperator.TRANSPOSE: return new Transpose();
    case BuiltinOperator.UNPACK: return new Unpack();
    default: return null;
  }
}
