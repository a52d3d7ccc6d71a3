// What the float32 ADD, SUB and MUL share: two float32 inputs broadcast onto the output (NumPy
// rules, up to 6-D) and the fused activation of their options (field 0) as a float clamp, as in
// TFLite's reference float Add / Sub / Mul and their BroadcastXxx6DSlow forms.

import { fieldI8 } from "../../flatbuffer";
import { Graph } from "../../graph";
import { Activation } from "../../schema";
import { TensorType } from "../../tensor";
import { BinaryKernel } from "../binary_kernel";
import { optionsOf } from "../kernel";
import { clampFloat, FloatRange, loadF32, storeF32 } from "./activation";

const FLOAT_OPERANDS: StaticArray<i32> = [TensorType.FLOAT32];

export class FloatArithmetic extends BinaryKernel {
  range: FloatRange = new FloatRange();

  /** Binds the operands and reads the fused activation from the options table of `optionsType`. */
  bindFloat(graph: Graph, optionsType: i32): bool {
    if (!this.bindBinary(graph, FLOAT_OPERANDS)) return false;
    return this.range.configure(this.node, fieldI8(optionsOf(this.node, optionsType), 0, Activation.NONE));
  }
}

/**
 * Writes clamp(kernel.combine(first, second)) for every output element, walking the operands with
 * broadcasting; K is the kernel's class, so that combine is called (and inlined) directly.
 */
// @ts-ignore: decorator
@inline
export function combineFloats<K extends FloatArithmetic>(kernel: K): void {
  const firstData = kernel.first.data;
  const secondData = kernel.second.data;
  const outputData = kernel.output.data;
  const count = kernel.output.elementCount;
  const low = kernel.range.low;
  const high = kernel.range.high;
  const cursor = kernel.cursor;
  if (cursor.sameShapes) {
    for (let i = 0; i < count; i++) {
      storeF32(outputData, i, clampFloat(kernel.combine(loadF32(firstData, i), loadF32(secondData, i)), low, high));
    }
    return;
  }
  cursor.reset();
  for (let i = 0; i < count; i++) {
    const value = kernel.combine(loadF32(firstData, cursor.first), loadF32(secondData, cursor.second));
    storeF32(outputData, i, clampFloat(value, low, high));
    cursor.advance();
  }
}
