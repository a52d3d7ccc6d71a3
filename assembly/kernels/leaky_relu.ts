// LEAKY_RELU, int8: TFLite's reference QuantizeLeakyRelu. Non-negative inputs are requantized
// with the identity multiplier (input_scale / output_scale), negative ones with the alpha
// multiplier (input_scale * alpha / output_scale); both ratios are taken in float.

import { fieldF32 } from "../flatbuffer";
import { Graph } from "../graph";
import { clamp, multiplyByQuantizedMultiplier, quantizedMultiplier, quantizedShift, quantizeMultiplier } from "../quant";
import { OptionsType } from "../schema";
import { optionsOf } from "./kernel";
import { Int8LookupKernel } from "./lookup_kernel";

export class LeakyRelu extends Int8LookupKernel {
  identityMultiplier: i32 = 0;
  identityShift: i32 = 0;
  alphaMultiplier: i32 = 0;
  alphaShift: i32 = 0;

  prepare(graph: Graph): bool {
    if (!this.bindInt8(graph)) return false;
    const alpha = fieldF32(optionsOf(this.node, OptionsType.LEAKY_RELU), 0, 0);
    const input = this.input;
    const output = this.output;
    quantizeMultiplier(<f64>(input.scale * alpha / output.scale));
    this.alphaMultiplier = quantizedMultiplier;
    this.alphaShift = quantizedShift;
    quantizeMultiplier(<f64>(input.scale / output.scale));
    this.identityMultiplier = quantizedMultiplier;
    this.identityShift = quantizedShift;
    this.fillTable();
    return true;
  }

  outputFor(q: i32): i32 {
    const value = q - this.input.zeroPoint;
    let scaled: i32;
    if (value >= 0) {
      scaled = multiplyByQuantizedMultiplier(value, this.identityMultiplier, this.identityShift);
    } else if (this.alphaMultiplier >= 0) {
      scaled = multiplyByQuantizedMultiplier(value, this.alphaMultiplier, this.alphaShift);
    } else {
      // A negative alpha: the reference multiplies by its magnitude and negates the result.
      scaled = -multiplyByQuantizedMultiplier(value, -this.alphaMultiplier, this.alphaShift);
    }
    return clamp(this.output.zeroPoint + scaled, -128, 127);
  }
}
