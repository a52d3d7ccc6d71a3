// Kernels with two inputs broadcast against each other onto one output (ADD, SUB, MUL, DIV,
// MAXIMUM, MINIMUM, SQUARED_DIFFERENCE). Each kernel computes one output element from one pair
// of input elements; combineElements walks the pairs with NumPy broadcasting.

import { BroadcastCursor } from "../broadcast";
import { fieldI8 } from "../flatbuffer";
import { Graph } from "../graph";
import { activationMax, activationMin, activationRange, multiplyByQuantizedMultiplier, quantizedMultiplier, quantizedShift, quantizeMultiplier } from "../quant";
import { Activation, OptionsType } from "../schema";
import { Tensor, typeName } from "../tensor";
import { checkActivation, checkArity, checkQuantized, inputTensor, Kernel, operatorError, optionsOf, outputTensor, tensorLabel, unsupported } from "./kernel";

export class BinaryKernel extends Kernel {
  first!: Tensor;
  second!: Tensor;
  output!: Tensor;
  cursor: BroadcastCursor = new BroadcastCursor();

  /**
   * Binds two inputs and one output of one element type from `types` (the first input's type
   * decides), and checks that the inputs broadcast to the output's shape.
   */
  bindBinary(graph: Graph, types: StaticArray<i32>): bool {
    const node = this.node;
    if (!checkArity(node, 2, 2, 1)) return false;
    const first = inputTensor(graph, node, 0);
    const second = inputTensor(graph, node, 1);
    const output = outputTensor(graph, node, 0);
    this.first = first;
    this.second = second;
    this.output = output;
    if (!types.includes(first.type)) {
      let names = typeName(types[0]);
      for (let i = 1; i < types.length; i++) names += (i == types.length - 1 ? " or " : ", ") + typeName(types[i]);
      return unsupported(node, "input " + tensorLabel(first) + " must be " + names);
    }
    if (second.type != first.type) return unsupported(node, "input " + tensorLabel(second) + " must have the type of the first input");
    if (output.type != first.type) return unsupported(node, "output " + tensorLabel(output) + " must have the type of the inputs");
    if (!this.cursor.configure(first, second, output)) {
      return operatorError(node, tensorLabel(first) + " and " + tensorLabel(second) + " do not broadcast to " + tensorLabel(output));
    }
    return true;
  }
}

/**
 * A binary kernel on quantized operands: TFLite's offsets (the inputs' zero points negated, the
 * output's), the fused activation as a clamp, and one requantization of the result.
 */
export class QuantizedBinaryKernel extends BinaryKernel {
  firstOffset: i32 = 0;
  secondOffset: i32 = 0;
  outputOffset: i32 = 0;
  outputMultiplier: i32 = 0;
  outputShift: i32 = 0;
  outputMin: i32 = 0;
  outputMax: i32 = 0;

  /**
   * bindBinary, then the quantization of all three tensors and the fused activation, read from
   * field 0 of the options table of `optionsType` (OptionsType.NONE: the operator has none).
   */
  bindQuantized(graph: Graph, types: StaticArray<i32>, optionsType: i32): bool {
    const node = this.node;
    if (!this.bindBinary(graph, types)) return false;
    const first = this.first;
    const second = this.second;
    const output = this.output;
    if (!checkQuantized(node, first, "input") || !checkQuantized(node, second, "input") || !checkQuantized(node, output, "output")) return false;
    const activation = optionsType == OptionsType.NONE ? Activation.NONE : fieldI8(optionsOf(node, optionsType), 0, Activation.NONE);
    if (!checkActivation(node, activation)) return false;
    activationRange(activation, output);
    this.outputMin = activationMin;
    this.outputMax = activationMax;
    this.firstOffset = -first.zeroPoint;
    this.secondOffset = -second.zeroPoint;
    this.outputOffset = output.zeroPoint;
    return true;
  }

  /** Sets outputMultiplier and outputShift from TFLite's QuantizeMultiplier. */
  setOutputMultiplier(real: f64): void {
    quantizeMultiplier(real);
    this.outputMultiplier = quantizedMultiplier;
    this.outputShift = quantizedShift;
  }
}

/**
 * A quantized binary kernel that first brings both inputs to one scale, twice the larger input
 * scale, as TFLite's ADD, SUB and SQUARED_DIFFERENCE do: each input, offset and shifted left for
 * headroom, is multiplied by its scale over that common scale (at most 1/2).
 */
export class RescalingBinaryKernel extends QuantizedBinaryKernel {
  firstMultiplier: i32 = 0;
  firstShift: i32 = 0;
  secondMultiplier: i32 = 0;
  secondShift: i32 = 0;

  /** Computes both inputs' multipliers; returns the common scale. */
  rescaleInputs(): f64 {
    // The reference doubles the larger float scale before widening it to double.
    const twiceMaxInputScale = <f64>(2 * max(this.first.scale, this.second.scale));
    quantizeMultiplier(<f64>this.first.scale / twiceMaxInputScale);
    this.firstMultiplier = quantizedMultiplier;
    this.firstShift = quantizedShift;
    quantizeMultiplier(<f64>this.second.scale / twiceMaxInputScale);
    this.secondMultiplier = quantizedMultiplier;
    this.secondShift = quantizedShift;
    return twiceMaxInputScale;
  }

  // @ts-ignore: decorator
  @inline
  rescaleFirst(value: i32, leftShift: i32): i32 {
    return multiplyByQuantizedMultiplier((value + this.firstOffset) << leftShift, this.firstMultiplier, this.firstShift);
  }

  // @ts-ignore: decorator
  @inline
  rescaleSecond(value: i32, leftShift: i32): i32 {
    return multiplyByQuantizedMultiplier((value + this.secondOffset) << leftShift, this.secondMultiplier, this.secondShift);
  }
}

/**
 * Writes kernel.combine(first, second) for every output element, where T is the element type
 * of all three tensors and K the kernel's class (so that combine is called, and inlined, directly).
 */
// @ts-ignore: decorator
@inline
export function combineElements<T, K extends BinaryKernel>(kernel: K): void {
  const firstData = kernel.first.data;
  const secondData = kernel.second.data;
  const outputData = kernel.output.data;
  const count = kernel.output.elementCount;
  const cursor = kernel.cursor;
  if (cursor.sameShapes) {
    for (let i = 0; i < count; i++) {
      const offset = <usize>i * sizeof<T>();
      store<T>(outputData + offset, <T>kernel.combine(<i32>load<T>(firstData + offset), <i32>load<T>(secondData + offset)));
    }
    return;
  }
  cursor.reset();
  for (let i = 0; i < count; i++) {
    const firstValue = <i32>load<T>(firstData + <usize>cursor.first * sizeof<T>());
    const secondValue = <i32>load<T>(secondData + <usize>cursor.second * sizeof<T>());
    store<T>(outputData + <usize>i * sizeof<T>(), <T>kernel.combine(firstValue, secondValue));
    cursor.advance();
  }
}
