// QUANTIZE: float32 to int8/uint8 (TFLite's reference AffineQuantize), or a requantization
// between int8 and uint8 tensors of different scale or zero point (reference Requantize).

import { Graph } from "../graph";
import { clamp, multiplyByQuantizedMultiplier, quantizedMultiplier, quantizedShift, quantizeMultiplier, roundHalfAwayFromZeroF32, typeMax, typeMin } from "../quant";
import { TensorType } from "../tensor";
import { checkQuantized, checkSameElementCount, tensorLabel, unsupported } from "./kernel";
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
    if (!isEightBit(output.type)) return unsupported(node, "output " + tensorLabel(output) + " must be int8 or uint8");
    if (input.type != TensorType.FLOAT32 && !isEightBit(input.type)) {
      return unsupported(node, "input " + tensorLabel(input) + " must be float32, int8 or uint8");
    }
    if (!checkQuantized(node, output, "output") || !checkSameElementCount(node, input, output)) return false;
    if (isEightBit(input.type)) {
      if (!checkQuantized(node, input, "input")) return false;
      quantizeMultiplier(<f64>input.scale / <f64>output.scale);
      this.multiplier = quantizedMultiplier;
      this.shift = quantizedShift;
    }
    this.outputMin = typeMin(output.type);
    this.outputMax = typeMax(output.type);
    return true;
  }

  eval(): void {
    const input = this.input;
    const output = this.output;
    const count = input.elementCount;
    const outputZeroPoint = output.zeroPoint;
    const signedOutput = output.type == TensorType.INT8;
    for (let i = 0; i < count; i++) {
      let value: i32;
      if (input.type == TensorType.FLOAT32) {
        value = <i32>roundHalfAwayFromZeroF32(load<f32>(input.data + (<usize>i << 2)) / output.scale) + outputZeroPoint;
      } else {
        const inputValue = input.type == TensorType.INT8 ? <i32>load<i8>(input.data + i) : <i32>load<u8>(input.data + i);
        value = multiplyByQuantizedMultiplier(inputValue - input.zeroPoint, this.multiplier, this.shift) + outputZeroPoint;
      }
      value = clamp(value, this.outputMin, this.outputMax);
      if (signedOutput) store<i8>(output.data + i, <i8>value);
      else store<u8>(output.data + i, <u8>value);
    }
  }
}

export function isEightBit(type: i32): bool {
  return type == TensorType.INT8 || type == TensorType.UINT8;
}
