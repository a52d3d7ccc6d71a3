// DIV, int8 with broadcasting: TFLite's reference quantized division (the converter keeps DIV
// in int8). The divisor's fixed-point reciprocal (gemmlowp's Newton-Raphson) multiplies the
// dividend, normalised to use all its headroom; the quotient is then requantized by
// input1_scale / (input2_scale * output_scale) with the shifts of all three steps combined.
// TFLite refuses at invoke a divisor byte of 0 (its check reads the stored value, not the real
// one); this kernel computes a value there too, as the reference does for a real zero divisor.

import { reciprocal, reciprocalBitsOverUnit } from "../gemmlowp";
import { Graph } from "../graph";
import { clamp, saturatingRoundingDoublingHighMul } from "../quant";
import { OptionsType } from "../schema";
import { TensorType } from "../tensor";
import { combineElements, QuantizedBinaryKernel } from "./binary_kernel";
import { unsupported } from "./kernel";

const OPERAND_TYPES: StaticArray<i32> = [TensorType.INT8];
// |dividend| <= 255 keeps at least 23 bits of headroom and the reciprocal's exponent is at least
// -1, so an output shift up to 22 never makes the final rounding shift a left shift.
const MAX_OUTPUT_SHIFT: i32 = 22;

export class Div extends QuantizedBinaryKernel {
  prepare(graph: Graph): bool {
    if (!this.bindQuantized(graph, OPERAND_TYPES, OptionsType.DIV)) return false;
    // The reference divides the scales in float, then widens to double.
    this.setOutputMultiplier(<f64>(this.first.scale / (this.second.scale * this.output.scale)));
    if (this.outputShift > MAX_OUTPUT_SHIFT) {
      return unsupported(this.node, "input1_scale / (input2_scale * output_scale) must be below 2^" + MAX_OUTPUT_SHIFT.toString());
    }
    return true;
  }

  eval(): void {
    combineElements<i8, Div>(this);
  }

  // @ts-ignore: decorator
  @inline
  combine(firstValue: i32, secondValue: i32): i32 {
    let dividend = firstValue + this.firstOffset;
    let divisor = secondValue + this.secondOffset;
    // The reciprocal takes a positive divisor: move the sign to the dividend.
    if (divisor < 0) {
      dividend = -dividend;
      divisor = -divisor;
    }
    const divisorInverse = reciprocal(divisor, 31);
    const headroom = countLeadingSignBits(dividend);
    const unscaledQuotient = saturatingRoundingDoublingHighMul(dividend << headroom, divisorInverse);
    const rightShift = headroom + reciprocalBitsOverUnit - this.outputShift;
    const quotient = roundingDivideByPOTWide(saturatingRoundingDoublingHighMul(unscaledQuotient, this.outputMultiplier), rightShift);
    return clamp(this.outputOffset + quotient, this.outputMin, this.outputMax);
  }
}

/** Leading bits equal to the sign bit, not counting the sign bit itself (31 for 0 and -1). */
// @ts-ignore: decorator
@inline
function countLeadingSignBits(x: i32): i32 {
  return <i32>clz(x ^ (x >> 31)) - 1;
}

/**
 * gemmlowp's RoundingDivideByPOT for exponents of 32 and more, which the reference reaches when
 * the dividend is small: it builds the mask in 64 bits (all ones once truncated to 32) and its
 * shift uses the exponent modulo 32 (x86's, and WebAssembly's, rule), so 0 rounds up to 1.
 */
// @ts-ignore: decorator
@inline
function roundingDivideByPOTWide(x: i32, exponent: i32): i32 {
  const mask = <i32>((<i64>1 << <i64>exponent) - 1);
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}
