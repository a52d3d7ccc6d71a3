// SHAPE: the input's extents as an int32 or int64 vector. Shapes are static in the engine, so
// eval only writes them out.

import { Graph } from "../graph";
import { TensorType } from "../tensor";
import { checkOutputShape, unsupported, tensorLabel } from "./kernel";
import { UnaryKernel } from "./unary_kernel";

export class Shape extends UnaryKernel {
  prepare(graph: Graph): bool {
    const node = this.node;
    if (!this.bindUnary(graph)) return false;
    const output = this.output;
    if (output.type != TensorType.INT32 && output.type != TensorType.INT64) {
      return unsupported(node, "output " + tensorLabel(output) + " must be int32 or int64");
    }
    return checkOutputShape(node, output, [this.input.rank]);
  }

  eval(): void {
    const input = this.input;
    const output = this.output;
    const wide = output.type == TensorType.INT64;
    for (let d = 0; d < input.rank; d++) {
      if (wide) store<i64>(output.data + (<usize>d << 3), <i64>input.dim(d));
      else store<i32>(output.data + (<usize>d << 2), input.dim(d));
    }
  }
}
