// SUB, float32: the difference of the two (broadcast) inputs, clamped to the fused activation.

import { Graph } from "../../graph";
import { OptionsType } from "../../schema";
import { combineFloats, FloatArithmetic } from "./arithmetic";

export class FloatSub extends FloatArithmetic {
  prepare(graph: Graph): bool {
    return this.bindFloat(graph, OptionsType.SUB);
  }

  eval(): void {
    combineFloats<FloatSub>(this);
  }

  // @ts-ignore: decorator
  @inline
  combine(first: f32, second: f32): f32 {
    return first - second;
  }
}
