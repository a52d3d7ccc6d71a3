// FULLY_CONNECTED, int8: TFLite's reference integer FullyConnected.
// Input [..., depth] seen as [batches, depth], filter [units, depth], optional int32 bias [units].
// Weights may be per-tensor or per-channel (one scale per unit).

import { fieldI8 } from "../flatbuffer";
import { Graph } from "../graph";
import { activationMax, activationMin, activationRange, ChannelQuantization, clamp, convolutionQuantization, MAX_MULTIPLIER_SHIFT, multiplyByQuantizedMultiplierSingleRounding } from "../quant";
import { OptionsType } from "../schema";
import { Tensor, TensorType } from "../tensor";
import {
  checkArity, checkBias, checkConstant, checkQuantized, checkRank, checkType, inputTensor, Kernel, operatorError,
  optionalInput, optionsOf, outputTensor, tensorLabel,
} from "./kernel";

const WEIGHTS_FORMAT_DEFAULT: i32 = 0;

export class FullyConnected extends Kernel {
  input!: Tensor;
  filter!: Tensor;
  bias: Tensor | null = null;
  output!: Tensor;
  quantization!: ChannelQuantization;
  batches: i32 = 0;
  inputOffset: i32 = 0;
  outputOffset: i32 = 0;
  outputMin: i32 = 0;
  outputMax: i32 = 0;

  prepare(graph: Graph): bool {
    const node = this.node;
    if (!checkArity(node, 2, 3, 1)) return false;
    const input = inputTensor(graph, node, 0);
    const filter = inputTensor(graph, node, 1);
    const bias = optionalInput(graph, node, 2);
    const output = outputTensor(graph, node, 0);
    this.input = input;
    this.filter = filter;
    this.bias = bias;
    this.output = output;
    if (!checkType(node, input, TensorType.INT8, "input") || !checkType(node, filter, TensorType.INT8, "filter")
      || !checkType(node, output, TensorType.INT8, "output")) return false;
    if (!checkRank(node, filter, 2, "filter") || !checkConstant(node, filter, "filter")) return false;
    if (!checkQuantized(node, input, "input") || !checkQuantized(node, filter, "filter") || !checkQuantized(node, output, "output")) return false;

    const options = optionsOf(node, OptionsType.FULLY_CONNECTED);
    const activation = fieldI8(options, 0, 0);
    if (fieldI8(options, 1, WEIGHTS_FORMAT_DEFAULT) != WEIGHTS_FORMAT_DEFAULT) {
      return operatorError(node, "only the default weights format is supported");
    }
    const units = filter.dim(0);
    const depth = filter.dim(1);
    if (depth == 0 || input.elementCount % depth != 0) {
      return operatorError(node, "input " + tensorLabel(input) + " is not a whole number of rows of depth " + depth.toString());
    }
    this.batches = input.elementCount / depth;
    if (output.elementCount != this.batches * units || output.rank == 0 || output.dim(output.rank - 1) != units) {
      return operatorError(node, "output " + tensorLabel(output) + " should hold " + this.batches.toString() + " rows of " + units.toString());
    }
    if (filter.quantizationCount != 1 && filter.quantizationCount != units) {
      return operatorError(node, "filter needs 1 or " + units.toString() + " scales");
    }
    if (bias != null && !checkBias(node, bias, units)) return false;
    if (activation < 0 || activation > 3) return operatorError(node, "fused activation " + activation.toString() + " is not supported on integer kernels");

    this.quantization = convolutionQuantization(input, filter, output, units);
    if (this.quantization.largestShift > MAX_MULTIPLIER_SHIFT) return operatorError(node, "input scale x filter scale / output scale must be below 2^30");
    this.inputOffset = -input.zeroPoint;
    this.outputOffset = output.zeroPoint;
    activationRange(activation, output);
    this.outputMin = activationMin;
    this.outputMax = activationMax;
    this.macs = <f64>this.batches * <f64>units * <f64>depth;
    return true;
  }

  eval(): void {
    const units = this.filter.dim(0);
    const depth = this.filter.dim(1);
    const filterData = this.filter.data;
    const bias = this.bias;
    const biasData: usize = bias != null ? bias.data : 0;
    const multipliers = this.quantization.multipliers;
    const shifts = this.quantization.shifts;
    const inputOffset = this.inputOffset;
    let inputRow = this.input.data;
    let outputPointer = this.output.data;
    for (let b = 0; b < this.batches; b++) {
      for (let unit = 0; unit < units; unit++) {
        const filterRow = filterData + <usize>(unit * depth);
        let accumulator: i32 = 0;
        for (let d = 0; d < depth; d++) {
          accumulator += <i32>load<i8>(filterRow + d) * (<i32>load<i8>(inputRow + d) + inputOffset);
        }
        if (biasData != 0) accumulator += load<i32>(biasData + (<usize>unit << 2));
        accumulator = multiplyByQuantizedMultiplierSingleRounding(accumulator, unchecked(multipliers[unit]), unchecked(shifts[unit]));
        store<i8>(outputPointer, <i8>clamp(accumulator + this.outputOffset, this.outputMin, this.outputMax));
        outputPointer++;
      }
      inputRow += <usize>depth;
    }
  }
}
