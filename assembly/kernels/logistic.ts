// LOGISTIC, int8: TFLite 2.21's reference kernel tabulates 1 / (1 + exp(-x)) in float at
// prepare (LUTPopulate<int8_t>) and looks every input up; the output scale is 1/256.

import { Graph } from "../graph";
import { operatorError } from "./kernel";
import { Int8LookupKernel, expF32 } from "./lookup_kernel";

export class Logistic extends Int8LookupKernel {
  prepare(graph: Graph): bool {
    if (!this.bindInt8(graph)) return false;
    if (this.output.scale != <f32>(1.0 / 256)) return operatorError(this.node, "int8 output must have scale 1/256");
    this.fillTable();
    return true;
  }

  outputFor(q: i32): i32 {
    return this.quantizedOutput(<f32>1 / (<f32>1 + expF32(-this.realInput(q))));
  }
}
