// NEG: TFLite's Neg kernel negates the stored values and ignores quantization. For int8 that is
// -q wrapped to int8 (-(-128) stays -128), so a meaningful int8 model gives the output the
// input's scale and the negated zero point. float32 (the converter keeps NEG in float between
// DEQUANTIZE and QUANTIZE) is negated exactly.

import { Graph } from "../graph";
import { TensorType } from "../tensor";
import { checkSameElementCount, checkType, tensorLabel, unsupported } from "./kernel";
import { Int8LookupKernel } from "./lookup_kernel";

export class Neg extends Int8LookupKernel {
  prepare(graph: Graph): bool {
    const node = this.node;
    if (!this.bindUnary(graph)) return false;
    const input = this.input;
    if (input.type != TensorType.INT8 && input.type != TensorType.FLOAT32) {
      return unsupported(node, "input " + tensorLabel(input) + " must be int8 or float32");
    }
    if (!checkType(node, this.output, input.type, "output") || !checkSameElementCount(node, input, this.output)) return false;
    if (input.type == TensorType.INT8) this.fillTable();
    return true;
  }

  outputFor(q: i32): i32 {
    return -q;
  }

  eval(): void {
    if (this.input.type == TensorType.INT8) {
      super.eval();
      return;
    }
    const inputData = this.input.data;
    const outputData = this.output.data;
    for (let i = 0; i < this.input.elementCount; i++) {
      const offset = <usize>i << 2;
      store<f32>(outputData + offset, -load<f32>(inputData + offset));
    }
  }
}
