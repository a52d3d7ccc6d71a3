// DEQUANTIZE: int8/uint8/int16 to float32, scale * (q - zero_point) in double then rounded to
// float, as TFLite's reference Dequantize computes it.

import { Graph } from "../graph";
import { TensorType } from "../tensor";
import { checkQuantized, checkSameElementCount, checkType, tensorLabel, unsupported } from "./kernel";
import { UnaryKernel } from "./unary_kernel";
import { checkInt16ZeroPoint, isEightBit, loadQuantized } from "./quantize";

export class Dequantize extends UnaryKernel {
  prepare(graph: Graph): bool {
    const node = this.node;
    if (!this.bindUnary(graph)) return false;
    const input = this.input;
    const output = this.output;
    if (!isEightBit(input.type) && input.type != TensorType.INT16) return unsupported(node, "input " + tensorLabel(input) + " must be int8, uint8 or int16");
    if (!checkType(node, output, TensorType.FLOAT32, "output")) return false;
    return checkQuantized(node, input, "input") && checkInt16ZeroPoint(node, input, "input") && checkSameElementCount(node, input, output);
  }

  eval(): void {
    const input = this.input;
    const scale = <f64>input.scale;
    const zeroPoint = input.zeroPoint;
    const outputData = this.output.data;
    for (let i = 0; i < input.elementCount; i++) {
      store<f32>(outputData + (<usize>i << 2), <f32>(scale * <f64>(loadQuantized(input, i) - zeroPoint)));
    }
  }
}
