// ADD, int8 with broadcasting: TFLite's reference quantized add. Both inputs are rescaled to
// a common scale (twice the larger input scale) with 20 bits of headroom, summed, and the sum
// requantized to the output.

import { fieldI8 } from "../flatbuffer";
import { Graph } from "../graph";
import { BroadcastCursor } from "../broadcast";
import { activationMax, activationMin, activationRange, clamp, multiplyByQuantizedMultiplier, quantizedMultiplier, quantizedShift, quantizeMultiplier } from "../quant";
import { Activation, OptionsType } from "../schema";
import { Tensor, TensorType } from "../tensor";
import { checkActivation, checkArity, checkQuantized, checkType, inputTensor, Kernel, operatorError, optionsOf, outputTensor, tensorLabel } from "./kernel";

const LEFT_SHIFT: i32 = 20;

export class Add extends Kernel {
  first!: Tensor;
  second!: Tensor;
  output!: Tensor;
  cursor: BroadcastCursor = new BroadcastCursor();
  firstOffset: i32 = 0;
  secondOffset: i32 = 0;
  outputOffset: i32 = 0;
  firstMultiplier: i32 = 0;
  firstShift: i32 = 0;
  secondMultiplier: i32 = 0;
  secondShift: i32 = 0;
  outputMultiplier: i32 = 0;
  outputShift: i32 = 0;
  outputMin: i32 = 0;
  outputMax: i32 = 0;

  prepare(graph: Graph): bool {
    const node = this.node;
    if (!checkArity(node, 2, 2, 1)) return false;
    const first = inputTensor(graph, node, 0);
    const second = inputTensor(graph, node, 1);
    const output = outputTensor(graph, node, 0);
    this.first = first;
    this.second = second;
    this.output = output;
    if (!checkType(node, first, TensorType.INT8, "input") || !checkType(node, second, TensorType.INT8, "input")
      || !checkType(node, output, TensorType.INT8, "output")) return false;
    if (!checkQuantized(node, first, "input") || !checkQuantized(node, second, "input") || !checkQuantized(node, output, "output")) return false;
    if (!this.cursor.configure(first, second, output)) {
      return operatorError(node, tensorLabel(first) + " and " + tensorLabel(second) + " do not broadcast to " + tensorLabel(output));
    }
    const activation = fieldI8(optionsOf(node, OptionsType.ADD), 0, Activation.NONE);
    if (!checkActivation(node, activation)) return false;

    this.firstOffset = -first.zeroPoint;
    this.secondOffset = -second.zeroPoint;
    this.outputOffset = output.zeroPoint;
    // The reference doubles the larger float scale before widening it to double.
    const twiceMaxInputScale = <f64>(2 * max(first.scale, second.scale));
    quantizeMultiplier(<f64>first.scale / twiceMaxInputScale);
    this.firstMultiplier = quantizedMultiplier;
    this.firstShift = quantizedShift;
    quantizeMultiplier(<f64>second.scale / twiceMaxInputScale);
    this.secondMultiplier = quantizedMultiplier;
    this.secondShift = quantizedShift;
    quantizeMultiplier(twiceMaxInputScale / <f64>(<f32>(1 << LEFT_SHIFT) * output.scale));
    this.outputMultiplier = quantizedMultiplier;
    this.outputShift = quantizedShift;
    activationRange(activation, output);
    this.outputMin = activationMin;
    this.outputMax = activationMax;
    return true;
  }

  eval(): void {
    const firstData = this.first.data;
    const secondData = this.second.data;
    const outputData = this.output.data;
    const count = this.output.elementCount;
    const cursor = this.cursor;
    if (cursor.sameShapes) {
      for (let i = 0; i < count; i++) {
        store<i8>(outputData + i, <i8>this.addValues(load<i8>(firstData + i), load<i8>(secondData + i)));
      }
      return;
    }
    cursor.reset();
    for (let i = 0; i < count; i++) {
      store<i8>(outputData + i, <i8>this.addValues(load<i8>(firstData + cursor.first), load<i8>(secondData + cursor.second)));
      cursor.advance();
    }
  }

  // @ts-ignore: decorator
  @inline
  private addValues(firstValue: i32, secondValue: i32): i32 {
    const firstScaled = multiplyByQuantizedMultiplier((firstValue + this.firstOffset) << LEFT_SHIFT, this.firstMultiplier, this.firstShift);
    const secondScaled = multiplyByQuantizedMultiplier((secondValue + this.secondOffset) << LEFT_SHIFT, this.secondMultiplier, this.secondShift);
    const sum = multiplyByQuantizedMultiplier(firstScaled + secondScaled, this.outputMultiplier, this.outputShift);
    return clamp(sum + this.outputOffset, this.outputMin, this.outputMax);
  }
}
