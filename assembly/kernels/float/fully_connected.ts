// FULLY_CONNECTED, float32: TFLite's reference float FullyConnected. Weights [units, depth]; the
// input is read as rows of `depth` values; each output sums the products over the row, adds the
// bias and clamps to the fused activation.

import { Graph } from "../../graph";
import { clampFloat, loadF32, storeF32 } from "./activation";
import { FloatWeightedKernel } from "./weighted";
import { FullyConnectedShape } from "../fully_connected_shape";

export class FloatFullyConnected extends FloatWeightedKernel {
  batches: i32 = 0;

  prepare(graph: Graph): bool {
    const node = this.node;
    if (!this.bindWeighted(graph, 2)) return false;
    const input = this.input;
    const output = this.output;
    const shape = new FullyConnectedShape();
    if (!shape.configure(node, input, this.filter, output)) return false;
    const activation = shape.activation;
    const units = shape.units;
    const depth = shape.depth;
    this.batches = shape.batches;
    if (!this.prepareOutput(units, activation)) return false;
    this.macs = <f64>this.batches * <f64>units * <f64>depth;
    return true;
  }

  eval(): void {
    const units = this.filter.dim(0);
    const depth = this.filter.dim(1);
    const inputData = this.input.data;
    const filterData = this.filter.data;
    const outputData = this.output.data;
    const low = this.range.low;
    const high = this.range.high;
    let outputIndex = 0;
    for (let b = 0; b < this.batches; b++) {
      const inputRow = b * depth;
      for (let unit = 0; unit < units; unit++) {
        const filterRow = unit * depth;
        let total: f32 = 0;
        for (let d = 0; d < depth; d++) total += loadF32(inputData, inputRow + d) * loadF32(filterData, filterRow + d);
        storeF32(outputData, outputIndex++, clampFloat(total + this.biasOf(unit), low, high));
      }
    }
  }
}
