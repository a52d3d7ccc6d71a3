// PRELU, int8: TFLite's reference Prelu / BroadcastPrelu4DSlow. alpha (usually a constant
// shared over some axes) broadcasts onto the input; the output has the input's shape.
// Non-negative inputs are requantized by input_scale / output_scale, negative ones are
// multiplied by (alpha - alpha_zero_point) and requantized by
// input_scale * alpha_scale / output_scale, both ratios taken in float.

import { BroadcastCursor } from "../broadcast";
import { Graph } from "../graph";
import { clamp, multiplyByQuantizedMultiplier, quantizedMultiplier, quantizedShift, quantizeMultiplier } from "../quant";
import { Tensor, TensorType } from "../tensor";
import { checkArity, checkOutputShape, checkQuantized, checkType, inputTensor, Kernel, operatorError, outputTensor, tensorLabel } from "./kernel";

export class Prelu extends Kernel {
  input!: Tensor;
  alpha!: Tensor;
  output!: Tensor;
  cursor: BroadcastCursor = new BroadcastCursor();
  identityMultiplier: i32 = 0;
  identityShift: i32 = 0;
  alphaMultiplier: i32 = 0;
  alphaShift: i32 = 0;

  prepare(graph: Graph): bool {
    const node = this.node;
    if (!checkArity(node, 2, 2, 1)) return false;
    const input = inputTensor(graph, node, 0);
    const alpha = inputTensor(graph, node, 1);
    const output = outputTensor(graph, node, 0);
    this.input = input;
    this.alpha = alpha;
    this.output = output;
    if (!checkType(node, input, TensorType.INT8, "input") || !checkType(node, alpha, TensorType.INT8, "alpha")
      || !checkType(node, output, TensorType.INT8, "output")) return false;
    if (!checkQuantized(node, input, "input") || !checkQuantized(node, alpha, "alpha") || !checkQuantized(node, output, "output")) return false;
    if (!checkOutputShape(node, output, input.shape)) return false;
    if (!this.cursor.configure(input, alpha, output)) {
      return operatorError(node, "alpha " + tensorLabel(alpha) + " does not broadcast to the input " + tensorLabel(input));
    }
    quantizeMultiplier(<f64>(input.scale / output.scale));
    this.identityMultiplier = quantizedMultiplier;
    this.identityShift = quantizedShift;
    quantizeMultiplier(<f64>(input.scale * alpha.scale / output.scale));
    this.alphaMultiplier = quantizedMultiplier;
    this.alphaShift = quantizedShift;
    return true;
  }

  eval(): void {
    const inputData = this.input.data;
    const alphaData = this.alpha.data;
    const outputData = this.output.data;
    const count = this.output.elementCount;
    const cursor = this.cursor;
    cursor.reset();
    for (let i = 0; i < count; i++) {
      const value = <i32>load<i8>(inputData + cursor.first) - this.input.zeroPoint;
      let scaled: i32;
      if (value >= 0) {
        scaled = multiplyByQuantizedMultiplier(value, this.identityMultiplier, this.identityShift);
      } else {
        const alphaValue = <i32>load<i8>(alphaData + cursor.second) - this.alpha.zeroPoint;
        scaled = multiplyByQuantizedMultiplier(value * alphaValue, this.alphaMultiplier, this.alphaShift);
      }
      store<i8>(outputData + i, <i8>clamp(scaled + this.output.zeroPoint, -128, 127));
      cursor.advance();
    }
  }
}
