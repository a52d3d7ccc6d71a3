// TANH, int8: TFLite 2.21's reference kernel tabulates tanh(x) in float at prepare
// (LUTPopulate<int8_t>) and looks every input up.

import { Graph } from "../graph";
import { Int8LookupKernel, tanhF32 } from "./lookup_kernel";

export class Tanh extends Int8LookupKernel {
  prepare(graph: Graph): bool {
    if (!this.bindInt8(graph)) return false;
    this.fillTable();
    return true;
  }

  outputFor(q: i32): i32 {
    return this.quantizedOutput(tanhF32(this.realInput(q)));
  }
}
