// CONCATENATION: the inputs joined along one axis (all other extents equal), any element type.
// Like TFLite: int8 inputs must share the output's scale and zero point, int16 ones must have
// zero point 0, and uint8 inputs whose scale or zero point differ from the output's are
// requantized in float32 as ConcatenationWithScaling does: round(q * s - zero_point * s) with
// s = input_scale * (1 / output_scale), rounded half away from zero. No fused activation.

import { fieldI32, fieldI8 } from "../flatbuffer";
import { Graph } from "../graph";
import { clamp, roundHalfAwayFromZeroF32 } from "../quant";
import { Activation, OptionsType } from "../schema";
import { hasError } from "../status";
import { elementSize, Tensor, TensorType } from "../tensor";
import { JoinKernel } from "./axis_parts";
import { truncateToI32 } from "./cast";
import { checkOutputShape, operatorError, optionsOf, outputTensor, tensorLabel, unsupported } from "./kernel";
import { checkSameQuantization, checkSameType, extentProduct, resolveAxis, resolvedAxis, variadicInputs, withExtent } from "./parameters";

export class Concatenation extends JoinKernel {
  /** Per uint8 input that needs requantization: q_out = round(q * scale + bias) + output zero point. */
  rescaled: StaticArray<bool> = [];
  scales: StaticArray<f32> = [];
  biases: StaticArray<f32> = [];
  anyRescaled: bool = false;

  prepare(graph: Graph): bool {
    const node = this.node;
    const inputs = variadicInputs(graph, node);
    if (inputs == null) return false;
    const first = inputs[0];
    const output = outputTensor(graph, node, 0);
    const options = optionsOf(node, OptionsType.CONCATENATION);
    const axisOption = fieldI32(options, 0, 0);
    const activation = fieldI8(options, 1, Activation.NONE);
    if (hasError()) return false;
    if (activation != Activation.NONE) return unsupported(node, "fused activation " + activation.toString() + " is not supported");
    if (!resolveAxis(node, axisOption, first.rank, "axis")) return false;
    const axis = resolvedAxis;
    if (!checkSameType(node, first, output)) return false;

    let joinedExtent: i64 = 0;
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i];
      if (!checkSameType(node, first, input)) return false;
      let sameExtents = input.rank == first.rank;
      for (let d = 0; sameExtents && d < first.rank; d++) sameExtents = d == axis || input.dim(d) == first.dim(d);
      if (!sameExtents) return operatorError(node, tensorLabel(input) + " and " + tensorLabel(first) + " differ outside axis " + axis.toString());
      joinedExtent += input.dim(axis);
    }
    if (joinedExtent > i32.MAX_VALUE) return operatorError(node, "the joined axis exceeds 2^31-1 elements");
    if (!checkOutputShape(node, output, withExtent(first.shape, axis, <i32>joinedExtent))) return false;
    if (!this.prepareQuantization(inputs, output)) return false;

    this.parts.configure(output, inputs, extentProduct(first.shape, 0, axis), elementSize(first.type));
    return true;
  }

  private prepareQuantization(inputs: StaticArray<Tensor>, output: Tensor): bool {
    const node = this.node;
    const count = inputs.length;
    this.rescaled = new StaticArray<bool>(count);
    this.scales = new StaticArray<f32>(count);
    this.biases = new StaticArray<f32>(count);
    const inverseOutputScale: f32 = 1 / output.scale;
    for (let i = 0; i < count; i++) {
      const input = inputs[i];
      if (output.type == TensorType.INT8 && !checkSameQuantization(node, input, output)) return false;
      if (output.type == TensorType.INT16 && (input.zeroPoint != 0 || output.zeroPoint != 0)) {
        return operatorError(node, "int16 " + tensorLabel(input) + " and " + tensorLabel(output) + " must have zero point 0");
      }
      if (output.type == TensorType.UINT8 && (input.scale != output.scale || input.zeroPoint != output.zeroPoint)) {
        const scale = input.scale * inverseOutputScale;
        this.rescaled[i] = true;
        this.scales[i] = scale;
        this.biases[i] = <f32>(-input.zeroPoint) * scale;
        this.anyRescaled = true;
      }
    }
    return true;
  }

  eval(): void {
    if (this.anyRescaled) this.joinRescaled();
    else super.eval();
  }

  private joinRescaled(): void {
    const parts = this.parts;
    const outputZeroPoint = parts.whole.zeroPoint;
    let to = parts.whole.data;
    for (let outer = 0; outer < parts.outerCount; outer++) {
      for (let i = 0; i < parts.parts.length; i++) {
        const bytes = unchecked(parts.blockBytes[i]);
        const from = unchecked(parts.parts[i]).data + <usize>(outer * bytes);
        if (unchecked(this.rescaled[i])) {
          const scale = unchecked(this.scales[i]);
          const bias = unchecked(this.biases[i]);
          for (let j = 0; j < bytes; j++) {
            const value = truncateToI32(roundHalfAwayFromZeroF32(<f32>load<u8>(from + j) * scale + bias)) + outputZeroPoint;
            store<u8>(to + j, <u8>clamp(value, 0, 255));
          }
        } else {
          memory.copy(to, from, <usize>bytes);
        }
        to += <usize>bytes;
      }
    }
  }
}
