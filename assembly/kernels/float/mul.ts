// MUL, float32: the product of the two (broadcast) inputs, clamped to the fused activation.

import { Graph } from "../../graph";
import { OptionsType } from "../../schema";
import { combineFloats, FloatArithmetic } from "./arithmetic";

export class FloatMul extends FloatArithmetic {
  prepare(graph: Graph): bool {
    return this.bindFloat(graph, OptionsType.MUL);
  }

  eval(): void {
    combineFloats<FloatMul>(this);
  }

  // @ts-ignore: decorator
  @inline
  combine(first: f32, second: f32): f32 {
    return first * second;
  }
}
