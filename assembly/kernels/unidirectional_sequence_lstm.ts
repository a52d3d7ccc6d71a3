// UNIDIRECTIONAL_SEQUENCE_LSTM, int8: TFLite's integer LSTM (lstm_eval's 8x8->16 path).
// int8 input, output and hidden state, int8 weights, int16 cell state with a power-of-two scale.
// Each gate is two int8 matmuls requantized to Q3.12 (int16), plus optional peephole and layer
// normalization, then gemmlowp's int16 sigmoid or tanh to Q0.15. The hidden and cell states are
// variable tensors, so they carry over from one invocation to the next.
// Optional parts, as the model has them: CIFG (no input gate), peephole, layer norm, projection.

import { fieldF32, fieldU8 } from "../flatbuffer";
import { logisticQ15, tanhQ15 } from "../gemmlowp";
import { Graph } from "../graph";
import {
  clamp, MAX_MULTIPLIER_SHIFT, multiplyByQuantizedMultiplier, quantizedMultiplier, quantizedShift, quantizeMultiplier,
  roundHalfAwayFromZeroF32, roundingDivideByPOT, saturatingRoundingDoublingHighMul, saturatingRoundingMultiplyByPOT,
} from "../quant";
import { OptionsType } from "../schema";
import { hasError } from "../status";
import { Tensor, TensorType } from "../tensor";
import {
  checkConstant, checkQuantized, checkRank, checkType, Kernel, operatorError, optionalInput, optionsOf, outputTensor,
  tensorLabel, unsupported,
} from "./kernel";

// Operator inputs (TFLite's lstm::full).
const INPUT = 0;
const INPUT_TO_INPUT_WEIGHTS = 1;
const INPUT_TO_FORGET_WEIGHTS = 2;
const INPUT_TO_CELL_WEIGHTS = 3;
const INPUT_TO_OUTPUT_WEIGHTS = 4;
const RECURRENT_TO_INPUT_WEIGHTS = 5;
const RECURRENT_TO_FORGET_WEIGHTS = 6;
const RECURRENT_TO_CELL_WEIGHTS = 7;
const RECURRENT_TO_OUTPUT_WEIGHTS = 8;
const CELL_TO_INPUT_WEIGHTS = 9;
const CELL_TO_FORGET_WEIGHTS = 10;
const CELL_TO_OUTPUT_WEIGHTS = 11;
const INPUT_GATE_BIAS = 12;
const FORGET_GATE_BIAS = 13;
const CELL_GATE_BIAS = 14;
const OUTPUT_GATE_BIAS = 15;
const PROJECTION_WEIGHTS = 16;
const PROJECTION_BIAS = 17;
const OUTPUT_STATE = 18;
const CELL_STATE = 19;
const INPUT_LAYER_NORM = 20;
const FORGET_LAYER_NORM = 21;
const CELL_LAYER_NORM = 22;
const OUTPUT_LAYER_NORM = 23;

// UnidirectionalSequenceLSTMOptions fields.
const CELL_CLIP_FIELD = 1;
const PROJECTION_CLIP_FIELD = 2;
const TIME_MAJOR_FIELD = 3;

const INTERMEDIATE_COUNT = 5;
const HIDDEN_INTERMEDIATE = 4;
/** Gate pre-activations are Q3.12 unless layer norm gives them their own scales. */
const GATE_INTEGER_BITS = 3;
const GATE_SCALE: f32 = 1.0 / 4096;
/** gemmlowp's int16 tanh takes at most 6 integer bits; the cell state has 15 + log2(scale). */
const MAX_TANH_INTEGER_BITS = 6;
const Q0_15_ONE: i32 = 32767;

/** One gate: its weights, requantization, optional peephole and layer norm, and its activation. */
class Gate {
  inputWeights: usize = 0;
  recurrentWeights: usize = 0;
  /** Zero-point corrections (and, without layer norm, the gate bias) for the two matmuls. */
  inputBias: StaticArray<i32> = [];
  recurrentBias: StaticArray<i32> = [];
  inputMultiplier: i32 = 0;
  inputShift: i32 = 0;
  recurrentMultiplier: i32 = 0;
  recurrentShift: i32 = 0;
  /** int16 peephole weights on the cell state, or 0. */
  peepholeWeights: usize = 0;
  peepholeMultiplier: i32 = 0;
  peepholeShift: i32 = 0;
  /** int16 layer norm coefficients, or 0; the gate bias is then added inside the normalisation. */
  layerNormWeights: usize = 0;
  layerNormBias: usize = 0;
  layerNormMultiplier: i32 = 0;
  layerNormShift: i32 = 0;
  varianceGuard: i32 = 0;
  isTanh: bool = false;
}

export class UnidirectionalSequenceLstm extends Kernel {
  input!: Tensor;
  output!: Tensor;
  outputState!: Tensor;
  cellState!: Tensor;
  timeMajor: bool = false;
  batches: i32 = 0;
  steps: i32 = 0;
  inputSize: i32 = 0;
  cellCount: i32 = 0;
  outputSize: i32 = 0;
  /** Batches computed together in one step: all of them when time-major, else one. */
  stepBatches: i32 = 0;
  useCifg: bool = false;
  inputGate: Gate = new Gate();
  forgetGate: Gate = new Gate();
  cellGate: Gate = new Gate();
  outputGate: Gate = new Gate();
  /** log2 of the cell state's scale. */
  cellScale: i32 = 0;
  cellClip: i32 = 0;
  hiddenMultiplier: i32 = 0;
  hiddenShift: i32 = 0;
  hiddenZeroPoint: i32 = 0;
  projectionWeights: usize = 0;
  projectionBias: StaticArray<i32> = [];
  projectionMultiplier: i32 = 0;
  projectionShift: i32 = 0;
  projectionClip: i32 = 0;
  outputStateZeroPoint: i32 = 0;

  prepare(graph: Graph): bool {
    const node = this.node;
    if (node.inputs.length != 20 && node.inputs.length != 24) {
      return operatorError(node, "has " + node.inputs.length.toString() + " inputs, expected 20 or 24");
    }
    if (node.outputs.length != 1) return operatorError(node, "has " + node.outputs.length.toString() + " outputs, expected 1");
    const required: StaticArray<i32> = [INPUT, INPUT_TO_FORGET_WEIGHTS, INPUT_TO_CELL_WEIGHTS, INPUT_TO_OUTPUT_WEIGHTS,
      RECURRENT_TO_FORGET_WEIGHTS, RECURRENT_TO_CELL_WEIGHTS, RECURRENT_TO_OUTPUT_WEIGHTS, FORGET_GATE_BIAS, CELL_GATE_BIAS,
      OUTPUT_GATE_BIAS, OUTPUT_STATE, CELL_STATE];
    for (let i = 0; i < required.length; i++) {
      if (node.inputs[required[i]] < 0) return operatorError(node, "input " + required[i].toString() + " is required");
    }
    const input = graph.tensors[node.inputs[INPUT]];
    const output = outputTensor(graph, node, 0);
    this.input = input;
    this.output = output;
    if (!checkType(node, input, TensorType.INT8, "input") || !checkType(node, output, TensorType.INT8, "output")) return false;
    if (!checkRank(node, input, 3, "input") || !checkQuantized(node, input, "input") || !checkQuantized(node, output, "output")) return false;

    const options = optionsOf(node, OptionsType.UNIDIRECTIONAL_SEQUENCE_LSTM);
    if (hasError()) return false;
    // The integer kernel always uses sigmoid and tanh, whatever fused activation the options name.
    const cellClip = fieldF32(options, CELL_CLIP_FIELD, 0);
    const projectionClip = fieldF32(options, PROJECTION_CLIP_FIELD, 0);
    this.timeMajor = fieldU8(options, TIME_MAJOR_FIELD, 0) != 0;
    if (!(cellClip >= 0) || !(projectionClip >= 0)) return operatorError(node, "cell and projection clips must not be negative");
    this.steps = input.dim(this.timeMajor ? 0 : 1);
    this.batches = input.dim(this.timeMajor ? 1 : 0);
    this.inputSize = input.dim(2);
    this.stepBatches = this.timeMajor ? this.batches : 1;

    const inputToOutput = graph.tensors[node.inputs[INPUT_TO_OUTPUT_WEIGHTS]];
    const recurrentToOutput = graph.tensors[node.inputs[RECURRENT_TO_OUTPUT_WEIGHTS]];
    if (!checkRank(node, inputToOutput, 2, "input-to-output weights")) return false;
    if (recurrentToOutput.rank != 2) return unsupported(node, "diagonal recurrent weights " + tensorLabel(recurrentToOutput) + " are not supported");
    this.cellCount = inputToOutput.dim(0);
    this.outputSize = recurrentToOutput.dim(1);
    const cells = this.cellCount;
    if (cells == 0) return operatorError(node, "input-to-output weights " + tensorLabel(inputToOutput) + " give no cells");

    const inputToInput = optionalInput(graph, node, INPUT_TO_INPUT_WEIGHTS);
    const recurrentToInput = optionalInput(graph, node, RECURRENT_TO_INPUT_WEIGHTS);
    if ((inputToInput == null) != (recurrentToInput == null)) {
      return operatorError(node, "input-to-input and recurrent-to-input weights must both be present or both absent (CIFG)");
    }
    this.useCifg = inputToInput == null;
    const inputGateBias = optionalInput(graph, node, INPUT_GATE_BIAS);
    if ((inputGateBias == null) != this.useCifg) return operatorError(node, "the input gate bias must be present exactly when there is an input gate");

    const cellToInput = optionalInput(graph, node, CELL_TO_INPUT_WEIGHTS);
    const cellToForget = optionalInput(graph, node, CELL_TO_FORGET_WEIGHTS);
    const cellToOutput = optionalInput(graph, node, CELL_TO_OUTPUT_WEIGHTS);
    const usePeephole = cellToOutput != null;
    if ((cellToForget != null) != usePeephole || (cellToInput != null) != (usePeephole && !this.useCifg)) {
      return operatorError(node, "peephole weights must be present for every gate or for none");
    }

    const useLayerNorm = optionalInput(graph, node, FORGET_LAYER_NORM) != null;
    const inputLayerNorm = optionalInput(graph, node, INPUT_LAYER_NORM);
    if (useLayerNorm && (inputLayerNorm != null) == this.useCifg) {
      return operatorError(node, "the input gate's layer norm coefficients must be present exactly when there is an input gate");
    }

    const projectionWeights = optionalInput(graph, node, PROJECTION_WEIGHTS);
    const projectionBias = optionalInput(graph, node, PROJECTION_BIAS);
    if (projectionWeights == null && projectionBias != null) return operatorError(node, "a projection bias needs projection weights");
    // Without projection the hidden state is the gated cell: one value per cell.
    if (projectionWeights == null && this.outputSize != cells) {
      return operatorError(node, "without projection the output size " + this.outputSize.toString() + " must equal the cell count " + cells.toString());
    }
    // The reference applies peephole weights over the output size; beyond the cell count it would read past them.
    if (usePeephole && this.outputSize > cells) return unsupported(node, "peephole weights with an output size larger than the cell count");

    const outputState = graph.tensors[node.inputs[OUTPUT_STATE]];
    const cellState = graph.tensors[node.inputs[CELL_STATE]];
    this.outputState = outputState;
    this.cellState = cellState;
    if (!outputState.isVariable || !cellState.isVariable || outputState.isConstant || cellState.isConstant) {
      return operatorError(node, "the output and cell states must be variable tensors without data");
    }
    if (!checkType(node, outputState, TensorType.INT8, "output state") || !checkType(node, cellState, TensorType.INT16, "cell state")) return false;
    if (!checkQuantized(node, outputState, "output state") || !checkQuantized(node, cellState, "cell state")) return false;
    if (outputState.elementCount != this.batches * this.outputSize || cellState.elementCount != this.batches * cells) {
      return operatorError(node, "the output and cell states must hold " + this.batches.toString() + " batches of "
        + this.outputSize.toString() + " and " + cells.toString() + " values");
    }
    const expectedShape: StaticArray<i32> = [input.dim(0), input.dim(1), this.outputSize];
    if (output.rank != 3 || output.dim(0) != expectedShape[0] || output.dim(1) != expectedShape[1] || output.dim(2) != expectedShape[2]) {
      return operatorError(node, "output " + tensorLabel(output) + " should have the input's shape with " + this.outputSize.toString() + " values last");
    }

    if (node.intermediates.length != INTERMEDIATE_COUNT) {
      return operatorError(node, "has " + node.intermediates.length.toString() + " intermediate tensors, expected 5");
    }
    const hidden = graph.tensors[node.intermediates[HIDDEN_INTERMEDIATE]];
    if (!checkQuantized(node, hidden, "hidden-state intermediate")) return false;
    // With layer norm the reference reads all four gate scales, the unused CIFG input gate's too.
    for (let g = 0; useLayerNorm && g < 4; g++) {
      if (!checkQuantized(node, graph.tensors[node.intermediates[g]], "gate intermediate")) return false;
    }

    // Log2 of the cell state scale, as TFLite's CheckedLog2 computes it in float.
    const cellScaleLog2 = Mathf.log(cellState.scale) * (<f32>1.0 / Mathf.log(2));
    const cellScaleRounded = roundHalfAwayFromZeroF32(cellScaleLog2);
    if (Mathf.abs(cellScaleLog2 - cellScaleRounded) >= 1e-3) return unsupported(node, "the cell state scale must be a power of two");
    this.cellScale = <i32>cellScaleRounded;
    if (15 + this.cellScale < 0 || 15 + this.cellScale > MAX_TANH_INTEGER_BITS) {
      return unsupported(node, "the cell state scale 2^" + this.cellScale.toString() + " is outside 2^-15 .. 2^-9");
    }
    this.cellClip = cellClip > 0 ? <i32><i16>Mathf.min(Mathf.max(cellClip / cellState.scale, -32768), 32767) : 0;
    this.projectionClip = projectionClip > 0 ? <i32><i8>Mathf.min(Mathf.max(projectionClip / output.scale, -128), 127) : 0;

    const gates: StaticArray<Gate> = [this.inputGate, this.forgetGate, this.cellGate, this.outputGate];
    const inputWeightIndices: StaticArray<i32> = [INPUT_TO_INPUT_WEIGHTS, INPUT_TO_FORGET_WEIGHTS, INPUT_TO_CELL_WEIGHTS, INPUT_TO_OUTPUT_WEIGHTS];
    const recurrentWeightIndices: StaticArray<i32> = [RECURRENT_TO_INPUT_WEIGHTS, RECURRENT_TO_FORGET_WEIGHTS, RECURRENT_TO_CELL_WEIGHTS, RECURRENT_TO_OUTPUT_WEIGHTS];
    const peepholeIndices: StaticArray<i32> = [CELL_TO_INPUT_WEIGHTS, CELL_TO_FORGET_WEIGHTS, -1, CELL_TO_OUTPUT_WEIGHTS];
    const biasIndices: StaticArray<i32> = [INPUT_GATE_BIAS, FORGET_GATE_BIAS, CELL_GATE_BIAS, OUTPUT_GATE_BIAS];
    const layerNormIndices: StaticArray<i32> = [INPUT_LAYER_NORM, FORGET_LAYER_NORM, CELL_LAYER_NORM, OUTPUT_LAYER_NORM];
    const names: StaticArray<string> = ["input", "forget", "cell", "output"];
    this.cellGate.isTanh = true;
    for (let g = this.useCifg ? 1 : 0; g < 4; g++) {
      const gate = gates[g];
      const name = names[g];
      const inputWeights = graph.tensors[node.inputs[inputWeightIndices[g]]];
      const recurrentWeights = graph.tensors[node.inputs[recurrentWeightIndices[g]]];
      const bias = graph.tensors[node.inputs[biasIndices[g]]];
      if (!this.checkWeights(inputWeights, cells, this.inputSize, "input-to-" + name + " weights")) return false;
      if (!this.checkWeights(recurrentWeights, cells, this.outputSize, "recurrent-to-" + name + " weights")) return false;
      if (!this.checkVector(bias, TensorType.INT32, cells, name + " gate bias")) return false;

      // The gate's own scale: Q3.12, or the intermediate's scale when layer norm follows the matmuls.
      let gateScale = GATE_SCALE;
      if (useLayerNorm) {
        gateScale = graph.tensors[node.intermediates[g]].scale;
        const layerNorm = graph.tensors[node.inputs[layerNormIndices[g]]];
        if (!this.checkVector(layerNorm, TensorType.INT16, cells, name + " layer norm coefficients")) return false;
        if (!checkQuantized(node, layerNorm, name + " layer norm coefficients")) return false;
        gate.layerNormWeights = layerNorm.data;
        gate.layerNormBias = bias.data;
        if (!this.setMultiplier(<f64>layerNorm.scale, name + " layer norm")) return false;
        gate.layerNormMultiplier = quantizedMultiplier;
        gate.layerNormShift = quantizedShift;
        if (gate.layerNormShift + 12 > MAX_MULTIPLIER_SHIFT) return operatorError(node, name + " layer norm scale is too large");
        // TFLite keeps the variance from vanishing with 10000 * scale (in float, truncated).
        gate.varianceGuard = max(1, <i32>(<f32>10000 * layerNorm.scale));
      }
      gate.inputWeights = inputWeights.data;
      gate.recurrentWeights = recurrentWeights.data;
      // TFLite's effective scales are float products, widened to double for QuantizeMultiplier.
      if (!this.setMultiplier(<f64>(inputWeights.scale * input.scale / gateScale), "input-to-" + name)) return false;
      gate.inputMultiplier = quantizedMultiplier;
      gate.inputShift = quantizedShift;
      if (!this.setMultiplier(<f64>(recurrentWeights.scale * outputState.scale / gateScale), "recurrent-to-" + name)) return false;
      gate.recurrentMultiplier = quantizedMultiplier;
      gate.recurrentShift = quantizedShift;
      // Without layer norm the gate bias joins the input matmul's accumulator.
      gate.inputBias = zeroPointTimesWeightsWithBias(-input.zeroPoint, inputWeights, useLayerNorm ? null : bias);
      gate.recurrentBias = zeroPointTimesWeightsWithBias(-outputState.zeroPoint, recurrentWeights, null);

      if (usePeephole && peepholeIndices[g] >= 0) {
        const peephole = graph.tensors[node.inputs[peepholeIndices[g]]];
        if (!this.checkVector(peephole, TensorType.INT16, cells, name + " peephole weights")) return false;
        if (!checkQuantized(node, peephole, name + " peephole weights")) return false;
        gate.peepholeWeights = peephole.data;
        // 2^cellScale * weight scale / gate scale, in double as std::pow gives it (cellScale is -15 to -9).
        const cellStateScale = 1.0 / <f64>(1 << -this.cellScale);
        if (!this.setMultiplier(<f64><f32>(cellStateScale * <f64>peephole.scale / <f64>gateScale), name + " peephole")) return false;
        gate.peepholeMultiplier = quantizedMultiplier;
        gate.peepholeShift = quantizedShift;
      }
    }

    // The hidden state: output gate x tanh(cell), both Q0.15, to the hidden intermediate's scale.
    const hiddenScale = <f32>(<f64>(1.0 / 32768) / <f64>hidden.scale * <f64>(1.0 / 32768));
    if (!this.setMultiplier(<f64>hiddenScale, "hidden state")) return false;
    this.hiddenMultiplier = quantizedMultiplier;
    this.hiddenShift = quantizedShift;
    this.hiddenZeroPoint = hidden.zeroPoint;
    this.outputStateZeroPoint = outputState.zeroPoint;
    if (projectionWeights != null) {
      if (!this.checkWeights(projectionWeights, this.outputSize, cells, "projection weights")) return false;
      if (projectionBias != null && !this.checkVector(projectionBias, TensorType.INT32, this.outputSize, "projection bias")) return false;
      this.projectionWeights = projectionWeights.data;
      if (!this.setMultiplier(<f64>(projectionWeights.scale * hidden.scale / outputState.scale), "projection")) return false;
      this.projectionMultiplier = quantizedMultiplier;
      this.projectionShift = quantizedShift;
      // The reference adds +hiddenZeroPoint here and subtracts it from the hidden values (b/246629213).
      this.projectionBias = zeroPointTimesWeightsWithBias(this.hiddenZeroPoint, projectionWeights, projectionBias);
    }

    // Four int16 gate buffers, then the int8 hidden values that the projection reads.
    const stepCells = <i64>this.stepBatches * <i64>cells;
    const scratchBytes = 4 * 2 * stepCells + (projectionWeights != null ? stepCells : 0);
    if (scratchBytes > 0x7FFFFFFF) return operatorError(node, "the gate buffers need more than 2 GiB");
    node.scratchBytes = <i32>scratchBytes;
    const gateCount = this.useCifg ? 3 : 4;
    const projectionMacs = projectionWeights != null ? <f64>this.outputSize * <f64>cells : 0;
    this.macs = <f64>this.steps * <f64>this.batches
      * (<f64>gateCount * <f64>cells * <f64>(this.inputSize + this.outputSize) + projectionMacs);
    return true;
  }

  /** Constant int8 weights of shape [rows, columns] with one scale. */
  private checkWeights(weights: Tensor, rows: i32, columns: i32, role: string): bool {
    const node = this.node;
    if (!checkType(node, weights, TensorType.INT8, role) || !checkConstant(node, weights, role)) return false;
    if (!checkRank(node, weights, 2, role) || !checkQuantized(node, weights, role)) return false;
    if (weights.dim(0) != rows || weights.dim(1) != columns) {
      return operatorError(node, role + " " + tensorLabel(weights) + " must have shape [" + rows.toString() + "," + columns.toString() + "]");
    }
    if (weights.quantizationCount != 1) return unsupported(node, role + " " + tensorLabel(weights) + " must have a single scale");
    return true;
  }

  /** A constant vector of `length` values of the given type. */
  private checkVector(vector: Tensor, type: i32, length: i32, role: string): bool {
    const node = this.node;
    if (!checkType(node, vector, type, role) || !checkConstant(node, vector, role) || !checkRank(node, vector, 1, role)) return false;
    if (vector.dim(0) != length) return operatorError(node, role + " " + tensorLabel(vector) + " must have " + length.toString() + " values");
    return true;
  }

  /** quantizeMultiplier, refusing scales whose shift would overflow 32 bits. */
  private setMultiplier(scale: f64, role: string): bool {
    quantizeMultiplier(scale);
    if (quantizedShift > MAX_MULTIPLIER_SHIFT) return operatorError(this.node, "the " + role + " effective scale must be below 2^30");
    return true;
  }

  eval(): void {
    const stepCellBytes = <usize>(this.stepBatches * this.cellCount * 2);
    const gates = this.node.scratch;
    const inputData = this.input.data;
    const outputData = this.output.data;
    const outputStateData = this.outputState.data;
    const cellStateData = this.cellState.data;
    if (this.timeMajor) {
      const inputStep = <usize>(this.batches * this.inputSize);
      const outputStep = <usize>(this.batches * this.outputSize);
      for (let t = 0; t < this.steps; t++) {
        this.step(inputData + <usize>t * inputStep, outputData + <usize>t * outputStep, outputStateData, cellStateData, gates, stepCellBytes);
      }
      return;
    }
    // Batch-major: each batch runs its whole sequence on its own slice of the states.
    for (let b = 0; b < this.batches; b++) {
      const outputState = outputStateData + <usize>(b * this.outputSize);
      const cellState = cellStateData + <usize>(b * this.cellCount * 2);
      for (let t = 0; t < this.steps; t++) {
        const position = <usize>(b * this.steps + t);
        this.step(inputData + position * <usize>this.inputSize, outputData + position * <usize>this.outputSize, outputState, cellState, gates, stepCellBytes);
      }
    }
  }

  /** One time step for `stepBatches` batches; the four gate buffers follow each other in scratch. */
  private step(input: usize, output: usize, outputState: usize, cellState: usize, gates: usize, gateBytes: usize): void {
    const inputGate = gates;
    const forgetGate = gates + gateBytes;
    const cellGate = gates + 2 * gateBytes;
    const outputGate = gates + 3 * gateBytes;
    if (!this.useCifg) this.computeGate(this.inputGate, input, outputState, cellState, inputGate);
    this.computeGate(this.forgetGate, input, outputState, cellState, forgetGate);
    this.computeGate(this.cellGate, input, outputState, cellState, cellGate);
    this.updateCell(cellState, inputGate, forgetGate, cellGate);
    // The output gate's peephole sees the updated cell state.
    this.computeGate(this.outputGate, input, outputState, cellState, outputGate);
    // The tanh of the cell reuses the input gate's buffer, as the reference does.
    this.updateOutputState(cellState, outputGate, inputGate, gates + 4 * gateBytes, outputState);
    memory.copy(output, outputState, <usize>(this.stepBatches * this.outputSize));
  }

  private computeGate(gate: Gate, input: usize, outputState: usize, cellState: usize, values: usize): void {
    const batches = this.stepBatches;
    const cells = this.cellCount;
    const inputSize = this.inputSize;
    const outputSize = this.outputSize;
    const inputBias = gate.inputBias;
    const recurrentBias = gate.recurrentBias;
    for (let b = 0; b < batches; b++) {
      const inputRow = input + <usize>(b * inputSize);
      const stateRow = outputState + <usize>(b * outputSize);
      for (let c = 0; c < cells; c++) {
        let inputAccumulator = unchecked(inputBias[c]);
        const inputWeights = gate.inputWeights + <usize>(c * inputSize);
        for (let i = 0; i < inputSize; i++) {
          inputAccumulator += <i32>load<i8>(inputRow + i) * <i32>load<i8>(inputWeights + i);
        }
        let recurrentAccumulator = unchecked(recurrentBias[c]);
        const recurrentWeights = gate.recurrentWeights + <usize>(c * outputSize);
        for (let o = 0; o < outputSize; o++) {
          recurrentAccumulator += <i32>load<i8>(stateRow + o) * <i32>load<i8>(recurrentWeights + o);
        }
        // Each matmul is requantized and saturated to int16 before the next one adds to it.
        let value = clamp(multiplyByQuantizedMultiplier(inputAccumulator, gate.inputMultiplier, gate.inputShift), -32768, 32767);
        value = clamp(multiplyByQuantizedMultiplier(recurrentAccumulator, gate.recurrentMultiplier, gate.recurrentShift) + value, -32768, 32767);
        store<i16>(values + (<usize>(b * cells + c) << 1), <i16>value);
      }
    }
    if (gate.peepholeWeights != 0) {
      // The reference walks the peephole weights and the cell state in rows of the output size.
      for (let b = 0; b < batches; b++) {
        for (let v = 0; v < outputSize; v++) {
          const offset = <usize>(b * outputSize + v) << 1;
          const product = <i32>load<i16>(gate.peepholeWeights + (<usize>v << 1)) * <i32>load<i16>(cellState + offset);
          const sum = multiplyByQuantizedMultiplier(product, gate.peepholeMultiplier, gate.peepholeShift) + <i32>load<i16>(values + offset);
          store<i16>(values + offset, <i16>clamp(sum, -32768, 32767));
        }
      }
    }
    if (gate.layerNormWeights != 0) {
      for (let b = 0; b < batches; b++) this.layerNorm(gate, values + (<usize>(b * cells) << 1));
    }
    const count = batches * cells;
    for (let i = 0; i < count; i++) {
      const pointer = values + (<usize>i << 1);
      const preActivation = <i32>load<i16>(pointer);
      store<i16>(pointer, <i16>(gate.isTanh ? tanhQ15(preActivation, GATE_INTEGER_BITS) : logisticQ15(preActivation, GATE_INTEGER_BITS)));
    }
  }

  /** TFLite's integer ApplyLayerNorm over one row of cells, in place; the result is Q3.12. */
  private layerNorm(gate: Gate, row: usize): void {
    const cells = this.cellCount;
    let sum: i64 = 0;
    let sumOfSquares: i64 = 0;
    for (let c = 0; c < cells; c++) {
      const value = <i32>load<i16>(row + (<usize>c << 1));
      sum += value;
      sumOfSquares += value * value;
    }
    // Mean and variance with 10 extra fractional bits; C++ division truncates toward zero.
    const mean = <i32>(sum * 1024 / cells);
    const twoToTwentyOverCells = (1 << 20) / cells;
    let variance = <i32>((sumOfSquares * twoToTwentyOverCells - <i64>mean * <i64>mean) / (1 << 20));
    if (variance < 1) variance = gate.varianceGuard;
    inverseSqrtMultiplier(variance);
    const inverseMultiplier = inverseSqrtResultMultiplier;
    const inverseShift = inverseSqrtResultShift;
    for (let c = 0; c < cells; c++) {
      const pointer = row + (<usize>c << 1);
      const normalized = multiplyByQuantizedMultiplier(1024 * <i32>load<i16>(pointer) - mean, inverseMultiplier, inverseShift);
      // The product and bias are summed in 32 bits before widening, as in the reference.
      const weighted = <i64>(normalized * <i32>load<i16>(gate.layerNormWeights + (<usize>c << 1)) + load<i32>(gate.layerNormBias + (<usize>c << 2)));
      const rounded = <i32>((weighted > 0 ? weighted + 512 : weighted - 512) / 1024);
      const scaled = multiplyByQuantizedMultiplier(rounded, gate.layerNormMultiplier, gate.layerNormShift + 12);
      store<i16>(pointer, <i16>clamp(scaled, -32768, 32767));
    }
  }

  /** c = f * c + i * g (i = 1 - f with CIFG), in the cell state's int16 format, then the cell clip. */
  private updateCell(cellState: usize, inputGate: usize, forgetGate: usize, cellGate: usize): void {
    const count = this.stepBatches * this.cellCount;
    // Q0.15 x Q0.15 has 30 fractional bits; the cell state has -cellScale.
    const gateProductShift = 30 + this.cellScale;
    const clip = this.cellClip;
    for (let i = 0; i < count; i++) {
      const offset = <usize>i << 1;
      const forget = <i32>load<i16>(forgetGate + offset);
      const kept = <i32><i16>roundingDivideByPOT(forget * <i32>load<i16>(cellState + offset), 15);
      const inputValue = this.useCifg ? <i32><i16>(Q0_15_ONE - forget) : <i32>load<i16>(inputGate + offset);
      const added = <i32><i16>roundingDivideByPOT(inputValue * <i32>load<i16>(cellGate + offset), gateProductShift);
      let cell = clamp(kept + added, -32768, 32767);
      if (clip > 0) cell = clamp(cell, -clip, clip);
      store<i16>(cellState + offset, <i16>cell);
    }
  }

  /** h = o * tanh(c) requantized to int8, through the projection when there is one. */
  private updateOutputState(cellState: usize, outputGate: usize, cellTanh: usize, hidden: usize, outputState: usize): void {
    const count = this.stepBatches * this.cellCount;
    const cellIntegerBits = 15 + this.cellScale;
    for (let i = 0; i < count; i++) {
      const offset = <usize>i << 1;
      store<i16>(cellTanh + offset, <i16>tanhQ15(<i32>load<i16>(cellState + offset), cellIntegerBits));
    }
    const hasProjection = this.projectionWeights != 0;
    // With projection the reference stores the hidden values with the zero point negated (b/246629213).
    const hiddenOffset = hasProjection ? -this.hiddenZeroPoint : this.hiddenZeroPoint;
    const hiddenValues = hasProjection ? hidden : outputState;
    for (let i = 0; i < count; i++) {
      const offset = <usize>i << 1;
      const product = <i32>load<i16>(outputGate + offset) * <i32>load<i16>(cellTanh + offset);
      const value = multiplyByQuantizedMultiplier(product, this.hiddenMultiplier, this.hiddenShift) + hiddenOffset;
      store<i8>(hiddenValues + <usize>i, <i8>clamp(value, -128, 127));
    }
    if (!hasProjection) return;
    const cells = this.cellCount;
    const outputSize = this.outputSize;
    const clip = this.projectionClip;
    for (let b = 0; b < this.stepBatches; b++) {
      const hiddenRow = hidden + <usize>(b * cells);
      for (let o = 0; o < outputSize; o++) {
        let accumulator = unchecked(this.projectionBias[o]);
        const weights = this.projectionWeights + <usize>(o * cells);
        for (let c = 0; c < cells; c++) accumulator += <i32>load<i8>(hiddenRow + c) * <i32>load<i8>(weights + c);
        let value = clamp(multiplyByQuantizedMultiplier(accumulator, this.projectionMultiplier, this.projectionShift) + this.outputStateZeroPoint, -128, 127);
        if (clip > 0) value = clamp(value, -clip, clip);
        store<i8>(outputState + <usize>(b * outputSize + o), <i8>value);
      }
    }
  }
}

/** TFLite's PrecomputeZeroPointTimesWeightWithBias: bias[row] + zeroPoint * sum of the row's weights. */
function zeroPointTimesWeightsWithBias(zeroPoint: i32, weights: Tensor, bias: Tensor | null): StaticArray<i32> {
  const rows = weights.dim(0);
  const columns = weights.dim(1);
  const result = new StaticArray<i32>(rows);
  for (let r = 0; r < rows; r++) {
    let rowSum: i32 = 0;
    for (let c = 0; c < columns; c++) rowSum += <i32>load<i8>(weights.data + <usize>(r * columns + c));
    result[r] = (bias != null ? load<i32>(bias.data + (<usize>r << 2)) : 0) + rowSum * zeroPoint;
  }
  return result;
}

/** Result registers of inverseSqrtMultiplier. */
let inverseSqrtResultMultiplier: i32 = 0;
let inverseSqrtResultShift: i32 = 0;

/**
 * TFLite's GetInvSqrtQuantizedMultiplierExp (reverse shift -1): 1 / sqrt(x) for x > 1 as a
 * multiplier and a (negative, right) shift, by Newton-Raphson in Q3.28.
 */
function inverseSqrtMultiplier(x: i32): void {
  if (x <= 1) {
    // 0 and 1 both give the largest multiplier, as in the reference.
    inverseSqrtResultMultiplier = i32.MAX_VALUE;
    inverseSqrtResultShift = 0;
    return;
  }
  let shift = 11;
  let value = x;
  while (value >= (1 << 29)) {
    value /= 4;
    shift++;
  }
  const leftShiftBitPairs = (<i32>clz<u32>(<u32>value) - 1) / 2 - 1;
  shift -= leftShiftBitPairs;
  value <<= 2 * leftShiftBitPairs;
  const halfInput = roundingDivideByPOT(value >> 1, 1); // Q3.28
  const threeHalves: i32 = (1 << 28) + (1 << 27); // Q3.28
  let estimate: i32 = 1 << 28; // 1 in Q3.28
  for (let i = 0; i < 5; i++) {
    const cube = saturatingRoundingMultiplyByPOT(
      saturatingRoundingDoublingHighMul(saturatingRoundingDoublingHighMul(estimate, estimate), estimate), 6);
    estimate = saturatingRoundingMultiplyByPOT(
      saturatingRoundingDoublingHighMul(threeHalves, estimate) - saturatingRoundingDoublingHighMul(halfInput, cube), 3);
  }
  const halfSqrtTwo: i32 = 1518500250; // sqrt(2) / 2 in Q0.31
  let multiplier = saturatingRoundingDoublingHighMul(estimate, halfSqrtTwo);
  if (shift < 0) {
    multiplier <<= -shift;
    shift = 0;
  }
  inverseSqrtResultMultiplier = multiplier;
  inverseSqrtResultShift = -shift;
}
