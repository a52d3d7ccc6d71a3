// QUANTIZE: float32 to int8/uint8/int16 (TFLite's reference AffineQuantize), or a requantization
// to another scale, zero point or type (reference Requantize, with the double-rounding multiply):
// int8/uint8 to int8/uint8, and int16 to int8, int16 or int32. The reference has no int8 to int16
// path. int16 tensors must have zero point 0, as TFLite requires.

import { Graph, Node } from "../graph";
import { clamp, multiplyByQuantizedMultiplier, quantizedMultiplier, quantizedShift, quantizeMultiplier, roundHalfAwayFromZeroF32, typeMax, typeMin } from "../quant";
import { Tensor, TensorType, typeName } from "../tensor";
import { checkQuantized, checkSameElementCount, operatorError, tensorLabel, unsupported } from "./kernel";
import { UnaryKernel } from "./unary_kernel";

export class Quantize extends UnaryKernel {
  multiplier: i32 = 0;
  shift: i32 = 0;
  outputMin: i32 = 0;
  outputMax: i32 = 0;

  prepare(graph: Graph): bool {
    const node = this.node;
    if (!this.bindUnary(graph)) return false;
    const input = this.input;
    const output = this.output;
    if (!supportedConversion(input.type, output.type)) {
      return unsupported(node, "no quantization from " + typeName(input.type) + " to " + typeName(output.type)
        + " (float32 to int8, uint8 or int16; int8 or uint8 to int8 or uint8; int16 to int8, int16 or int32)");
    }
    if (!checkQuantized(node, output, "output") || !checkSameElementCount(node, input, output)) return false;
    if (input.type != TensorType.FLOAT32) {
      if (!checkQuantized(node, input, "input")) return false;
      quantizeMultiplier(<f64>input.scale / <f64>output.scale);
      this.multiplier = quantizedMultiplier;
      this.shift = quantizedShift;
    }
    // An int16 input may carry any zero point (SOFTMAX's 8-to-16 output has -32768); the output may not.
    if (!checkInt16ZeroPoint(node, output, "output")) return false;
    this.outputMin = typeMin(output.type);
    this.outputMax = typeMax(output.type);
    return true;
  }

  eval(): void {
    const input = this.input;
    const output = this.output;
    const count = input.elementCount;
    const outputZeroPoint = output.zeroPoint;
    for (let i = 0; i < count; i++) {
      let value: i32;
      if (input.type == TensorType.FLOAT32) {
        value = <i32>roundHalfAwayFromZeroF32(load<f32>(input.data + (<usize>i << 2)) / output.scale) + outputZeroPoint;
      } else {
        const inputValue = loadQuantized(input, i);
        value = multiplyByQuantizedMultiplier(inputValue - input.zeroPoint, this.multiplier, this.shift) + outputZeroPoint;
      }
      storeQuantized(output, i, clamp(value, this.outputMin, this.outputMax));
    }
  }
}

function supportedConversion(from: i32, to: i32): bool {
  if (from == TensorType.FLOAT32) return isEightBit(to) || to == TensorType.INT16;
  if (isEightBit(from)) return isEightBit(to);
  return from == TensorType.INT16 && (to == TensorType.INT8 || to == TensorType.INT16 || to == TensorType.INT32);
}

/** TFLite's int16 quantization is symmetric: an int16 tensor of (de)quantization needs zero point 0. */
export function checkInt16ZeroPoint(node: Node, tensor: Tensor, role: string): bool {
  if (tensor.type != TensorType.INT16 || tensor.zeroPoint == 0) return true;
  return operatorError(node, role + " " + tensorLabel(tensor) + " is int16 and must have zero point 0");
}

export function isEightBit(type: i32): bool {
  return type == TensorType.INT8 || type == TensorType.UINT8;
}

/** Element i of an int8, uint8, int16 or int32 tensor. */
// @ts-ignore: decorator
@inline
export function loadQuantized(tensor: Tensor, i: i32): i32 {
  switch (tensor.type) {
    case TensorType.INT8: return <i32>load<i8>(tensor.data + <usize>i);
    case TensorType.UINT8: return <i32>load<u8>(tensor.data + <usize>i);
    case TensorType.INT16: return <i32>load<i16>(tensor.data + (<usize>i << 1));
    default: return load<i32>(tensor.data + (<usize>i << 2));
  }
}

/** Stores a value already clamped to the tensor's type as element i. */
// @ts-ignore: decorator
@inline
function storeQuantized(tensor: Tensor, i: i32, value: i32): void {
  switch (tensor.type) {
    case TensorType.INT8: store<i8>(tensor.data + <usize>i, <i8>value); break;
    case TensorType.UINT8: store<u8>(tensor.data + <usize>i, <u8>value); break;
    case TensorType.INT16: store<i16>(tensor.data + (<usize>i << 1), <i16>value); break;
    default: store<i32>(tensor.data + (<usize>i << 2), value);
  }
}
