// FULLY_CONNECTED, float32: TFLite's reference float FullyConnected. Weights [units, depth]; the
// input is read as rows of `depth` values; each output sums the products over the row, adds the
// bias and clamps to the fused activation.

import { fieldI8 } from "../../flatbuffer";
import { Graph } from "../../graph";
import { Activation, OptionsType } from "../../schema";
import { operatorError, optionsOf, tensorLabel } from "../kernel";
import { clampFloat, loadF32, storeF32 } from "./activation";
import { FloatWeightedKernel } from "./weighted";

const WEIGHTS_FORMAT_DEFAULT: i32 = 0;

export class FloatFullyConnected extends FloatWeightedKernel {
  batches: i32 = 0;

  prepare(graph: Graph): bool {
    const node = this.node;
    if (!this.bindWeighted(graph, 2)) return false;
    const input = this.input;
    const output = this.output;
    const options = optionsOf(node, OptionsType.FULLY_CONNECTED);
    const activation = fieldI8(options, 0, Activation.NONE);
    if (fieldI8(options, 1, WEIGHTS_FORMAT_DEFAULT) != WEIGHTS_FORMAT_DEFAULT) {
      return operatorError(node, "only the default weights format is supported");
    }
    const units = this.filter.dim(0);
    const depth = this.filter.dim(1);
    if (depth == 0 || input.elementCount % depth != 0) {
      return operatorError(node, "input " + tensorLabel(input) + " is not a whole number of rows of depth " + depth.toString());
    }
    this.batches = input.elementCount / depth;
    if (output.elementCount != this.batches * units || output.rank == 0 || output.dim(output.rank - 1) != units) {
      return operatorError(node, "output " + tensorLabel(output) + " should hold " + this.batches.toString() + " rows of " + units.toString());
    }
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
