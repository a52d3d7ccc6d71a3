// ADD, float32: the sum of the two (broadcast) inputs, clamped to the fused activation.

import { Graph } from "../../graph";
import { OptionsType } from "../../schema";
import { combineFloats, FloatArithmetic } from "./arithmetic";

export class FloatAdd extends FloatArithmetic {
  prepare(graph: Graph): bool {
    return this.bindFloat(graph, OptionsType.ADD);
  }

  eval(): void {
    combineFloats<FloatAdd>(this);
  }

  // @ts-ignore: decorator
  @inline
  combine(first: f32, second: f32): f32 {
    return first + second;
  }
}
