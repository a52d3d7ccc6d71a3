// Base of the int8 operators whose output byte depends only on the input byte (activations,
// ABS, NEG, RSQRT). Prepare runs the reference's own per-value computation once for each of
// the 256 inputs; eval looks every input up. The table gives the same bytes as computing each
// element, and keeps eval a plain loop on both builds.

import { clamp, roundHalfAwayFromZeroF32 } from "../quant";
import { UnaryKernel } from "./unary_kernel";

export class Int8LookupKernel extends UnaryKernel {
  /** Output byte of each input byte, indexed by the input's bits read as unsigned. */
  table: StaticArray<i8> = new StaticArray<i8>(256);

  /** The reference's output for input value q (an int8 value), before the cast to int8. */
  outputFor(q: i32): i32 {
    return q;
  }

  /** Tabulates outputFor over every int8 value; call at the end of prepare. */
  fillTable(): void {
    for (let q = -128; q <= 127; q++) unchecked(this.table[q & 0xFF] = <i8>this.outputFor(q));
  }

  /** TFLite's LUTPopulate<int8_t>: the real value of input q, computed in float. */
  protected realInput(q: i32): f32 {
    return this.input.scale * <f32>(q - this.input.zeroPoint);
  }

  /** TFLite's LUTPopulate<int8_t>: a real output rounded half away from zero in float and clamped to int8. */
  protected quantizedOutput(real: f32): i32 {
    const inverseScale: f32 = 1 / this.output.scale;
    return clamp(<i32>(roundHalfAwayFromZeroF32(real * inverseScale) + <f32>this.output.zeroPoint), -128, 127);
  }

  eval(): void {
    const inputData = this.input.data;
    const outputData = this.output.data;
    const count = this.input.elementCount;
    const table = changetype<usize>(this.table);
    for (let i = 0; i < count; i++) {
      store<i8>(outputData + i, load<i8>(table + <usize>load<u8>(inputData + i)));
    }
  }
}

// The reference's float transforms call the C library's expf and tanhf. Computing in double and
// rounding once to float gives the correctly rounded value, which matched glibc's tables on
// every int8 quantization checked (the few last-bit differences never reach a rounding tie).
export function expF32(x: f32): f32 {
  return <f32>Math.exp(<f64>x);
}

export function tanhF32(x: f32): f32 {
  return <f32>Math.tanh(<f64>x);
}
