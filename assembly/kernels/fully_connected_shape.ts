// What the int8/16x8 and float32 FULLY_CONNECTED kernels share: the options (fused activation,
// default weights format only) and the geometry, input read as rows of the filter's depth.

import { fieldI8 } from "../flatbuffer";
import { Node } from "../graph";
import { Activation, OptionsType } from "../schema";
import { Tensor } from "../tensor";
import { operatorError, optionsOf, tensorLabel } from "./kernel";

const WEIGHTS_FORMAT_DEFAULT: i32 = 0;

export class FullyConnectedShape {
  activation: i32 = Activation.NONE;
  batches: i32 = 0;
  units: i32 = 0;
  depth: i32 = 0;

  /** Reads the options and checks input [..., depth] against filter [units, depth] and the output rows. */
  configure(node: Node, input: Tensor, filter: Tensor, output: Tensor): bool {
    const options = optionsOf(node, OptionsType.FULLY_CONNECTED);
    this.activation = fieldI8(options, 0, Activation.NONE);
    if (fieldI8(options, 1, WEIGHTS_FORMAT_DEFAULT) != WEIGHTS_FORMAT_DEFAULT) {
      return operatorError(node, "only the default weights format is supported");
    }
    const units = filter.dim(0);
    const depth = filter.dim(1);
    if (depth == 0 || input.elementCount % depth != 0) {
      return operatorError(node, "input " + tensorLabel(input) + " is not a whole number of rows of depth " + depth.toString());
    }
    const batches = input.elementCount / depth;
    if (output.elementCount != batches * units || output.rank == 0 || output.dim(output.rank - 1) != units) {
      return operatorError(node, "output " + tensorLabel(output) + " should hold " + batches.toString() + " rows of " + units.toString());
    }
    this.batches = batches;
    this.units = units;
    this.depth = depth;
    return true;
  }
}
