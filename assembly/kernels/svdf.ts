// SVDF, full integer: TFLite's reference EvalIntegerSVDF, a fully connected layer factored into a
// feature filter over the input and a time filter over the last memory_size feature values.
// Input [batch, input_size] int8, weights_feature [filters, input_size] int8, weights_time
// [filters, memory_size] int16, optional bias [units] int32 (units = filters / rank), activation
// state [batch, filters * memory_size] int16 (a variable tensor), output [batch, units] int8.
//
// Each invocation shifts the state left by one time step, writes the feature values (requantized
// to the state's scale) into every filter's newest slot, and sums weights_time x state over each
// unit's `rank` filters. The reference keeps those per-filter sums in two int32 scratch tensors;
// here each unit's sum stays in a register, which gives the same int32 result (wrapping
// addition does not depend on the order) without scratch memory.

import { fieldI32, fieldI8 } from "../flatbuffer";
import { Graph } from "../graph";
import { clamp, MAX_MULTIPLIER_SHIFT, multiplyByQuantizedMultiplier, quantizedMultiplier, quantizedShift, quantizeMultiplier } from "../quant";
import { Activation, OptionsType } from "../schema";
import { Tensor, TensorType } from "../tensor";
import {
  checkArity, checkBias, checkConstant, checkOutputShape, checkQuantized, checkRank, checkType, inputTensor, Kernel,
  operatorError, optionalInput, optionsOf, outputTensor, tensorLabel, unsupported,
} from "./kernel";

export class Svdf extends Kernel {
  input!: Tensor;
  weightsFeature!: Tensor;
  weightsTime!: Tensor;
  bias: Tensor | null = null;
  state!: Tensor;
  output!: Tensor;
  rank: i32 = 1;
  batches: i32 = 0;
  inputSize: i32 = 0;
  filters: i32 = 0;
  units: i32 = 0;
  memorySize: i32 = 0;
  inputZeroPoint: i32 = 0;
  outputZeroPoint: i32 = 0;
  /** input scale x weights_feature scale / state scale: feature values to the state's scale. */
  featureMultiplier: i32 = 0;
  featureShift: i32 = 0;
  /** state scale x weights_time scale / output scale. */
  outputMultiplier: i32 = 0;
  outputShift: i32 = 0;

  prepare(graph: Graph): bool {
    const node = this.node;
    // Inputs 0-2 and 4 are required; the bias (3) may be -1.
    if (!checkArity(node, 3, 5, 1)) return false;
    if (node.inputs.length != 5 || node.inputs[4] < 0) return operatorError(node, "input 4 (the activation state) is required");
    const input = inputTensor(graph, node, 0);
    const weightsFeature = inputTensor(graph, node, 1);
    const weightsTime = inputTensor(graph, node, 2);
    const bias = optionalInput(graph, node, 3);
    const state = inputTensor(graph, node, 4);
    const output = outputTensor(graph, node, 0);
    this.input = input;
    this.weightsFeature = weightsFeature;
    this.weightsTime = weightsTime;
    this.bias = bias;
    this.state = state;
    this.output = output;

    if (input.type != TensorType.INT8) return unsupported(node, "input " + tensorLabel(input) + " must be int8 (float and hybrid SVDF are not supported)");
    if (!checkType(node, weightsFeature, TensorType.INT8, "weights_feature") || !checkType(node, weightsTime, TensorType.INT16, "weights_time")
      || !checkType(node, state, TensorType.INT16, "activation state") || !checkType(node, output, TensorType.INT8, "output")) return false;
    if (!checkConstant(node, weightsFeature, "weights_feature") || !checkConstant(node, weightsTime, "weights_time")) return false;
    if (!state.isVariable || state.isConstant) return operatorError(node, "activation state " + tensorLabel(state) + " must be a variable tensor without data");
    if (!checkRank(node, input, 2, "input") || !checkRank(node, weightsFeature, 2, "weights_feature")
      || !checkRank(node, weightsTime, 2, "weights_time") || !checkRank(node, state, 2, "activation state")) return false;

    const options = optionsOf(node, OptionsType.SVDF);
    this.rank = fieldI32(options, 0, 0);
    // TFLite's integer SVDF runs only with a fused RELU, which it does not apply beyond the int8 clamp.
    if (fieldI8(options, 1, Activation.NONE) != Activation.RELU) return operatorError(node, "integer SVDF needs fused activation RELU, as TFLite's kernel does");
    this.batches = input.dim(0);
    this.inputSize = input.dim(1);
    this.filters = weightsFeature.dim(0);
    this.memorySize = weightsTime.dim(1);
    if (this.rank <= 0 || this.filters % this.rank != 0) {
      return operatorError(node, "rank " + this.rank.toString() + " must be positive and divide the " + this.filters.toString() + " filters");
    }
    this.units = this.filters / this.rank;
    if (weightsFeature.dim(1) != this.inputSize) return operatorError(node, "weights_feature " + tensorLabel(weightsFeature) + " must have " + this.inputSize.toString() + " columns");
    if (weightsTime.dim(0) != this.filters) return operatorError(node, "weights_time " + tensorLabel(weightsTime) + " must have " + this.filters.toString() + " rows");
    if (<i64>this.memorySize * <i64>this.filters != <i64>state.dim(1) || state.dim(0) != this.batches) {
      return operatorError(node, "activation state " + tensorLabel(state) + " must be [batch, filters x memory_size]");
    }
    if (this.memorySize < 1) return operatorError(node, "memory_size must be at least 1");
    if (bias != null && !checkBias(node, bias, this.units)) return false;
    if (!checkOutputShape(node, output, [this.batches, this.units])) return false;
    if (!checkQuantized(node, input, "input") || !checkQuantized(node, weightsFeature, "weights_feature") || !checkQuantized(node, weightsTime, "weights_time")
      || !checkQuantized(node, state, "activation state") || !checkQuantized(node, output, "output")) return false;

    this.inputZeroPoint = input.zeroPoint;
    this.outputZeroPoint = output.zeroPoint;
    // The reference multiplies and divides the float scales in float before widening to double.
    quantizeMultiplier(<f64>(input.scale * weightsFeature.scale / state.scale));
    this.featureMultiplier = quantizedMultiplier;
    this.featureShift = quantizedShift;
    quantizeMultiplier(<f64>(state.scale * weightsTime.scale / output.scale));
    this.outputMultiplier = quantizedMultiplier;
    this.outputShift = quantizedShift;
    if (this.featureShift > MAX_MULTIPLIER_SHIFT || this.outputShift > MAX_MULTIPLIER_SHIFT) {
      return operatorError(node, "the ratios of input, weight, state and output scales must be below 2^" + MAX_MULTIPLIER_SHIFT.toString());
    }
    this.macs = <f64>this.batches * <f64>this.filters * <f64>(this.inputSize + this.memorySize);
    return true;
  }

  eval(): void {
    const memorySize = this.memorySize;
    const filters = this.filters;
    const stateData = this.state.data;
    const stateCount = this.state.elementCount;
    // One time step older: every value moves one slot left (the newest slots are written below).
    if (stateCount > 1) memory.copy(stateData, stateData + 2, <usize>(stateCount - 1) << 1);

    const inputSize = this.inputSize;
    const weightsFeature = this.weightsFeature.data;
    for (let b = 0; b < this.batches; b++) {
      const inputRow = this.input.data + <usize>(b * inputSize);
      for (let f = 0; f < filters; f++) {
        const weightsRow = weightsFeature + <usize>(f * inputSize);
        let dot: i32 = 0;
        for (let c = 0; c < inputSize; c++) {
          dot += <i32>load<i8>(weightsRow + c) * (<i32>load<i8>(inputRow + c) - this.inputZeroPoint);
        }
        const feature = clamp(multiplyByQuantizedMultiplier(dot, this.featureMultiplier, this.featureShift), -32768, 32767);
        store<i16>(stateData + (<usize>((b * filters + f) * memorySize + memorySize - 1) << 1), <i16>feature);
      }
    }

    const rank = this.rank;
    const weightsTime = this.weightsTime.data;
    const bias = this.bias;
    let outputPointer = this.output.data;
    for (let b = 0; b < this.batches; b++) {
      for (let unit = 0; unit < this.units; unit++) {
        let sum: i32 = bias != null ? load<i32>(bias.data + (<usize>unit << 2)) : 0;
        for (let f = unit * rank; f < (unit + 1) * rank; f++) {
          const weightsRow = weightsTime + (<usize>(f * memorySize) << 1);
          const stateRow = stateData + (<usize>((b * filters + f) * memorySize) << 1);
          for (let m = 0; m < memorySize; m++) {
            sum += <i32>load<i16>(weightsRow + (<usize>m << 1)) * <i32>load<i16>(stateRow + (<usize>m << 1));
          }
        }
        const value = multiplyByQuantizedMultiplier(sum, this.outputMultiplier, this.outputShift) + this.outputZeroPoint;
        store<i8>(outputPointer, <i8>clamp(value, -128, 127));
        outputPointer++;
      }
    }
  }
}
