// ARG_MAX and ARG_MIN: TFLite's arg_min_max kernel. The index of the largest (smallest) value
// along one axis, given by a constant int32 or int64 input; ties go to the first index, since
// only a strictly greater (smaller) value replaces the current one. The stored values are
// compared as they are (int8, uint8 or float32); the output is int32 or int64, as the
// options' output_type says.

import { fieldI8 } from "../flatbuffer";
import { Graph } from "../graph";
import { OptionsType } from "../schema";
import { Tensor, TensorType, typeName } from "../tensor";
import {
  checkArity, checkConstant, checkOutputShape, inputTensor, Kernel, operatorError, optionsOf, outputTensor, tensorLabel,
  unsupported,
} from "./kernel";

export class ArgMinMax extends Kernel {
  input!: Tensor;
  output!: Tensor;
  /** Elements before, along and after the axis. */
  outerSize: i32 = 0;
  axisSize: i32 = 0;
  innerSize: i32 = 0;

  constructor(readonly maximum: bool) {
    super();
  }

  prepare(graph: Graph): bool {
    const node = this.node;
    if (!checkArity(node, 2, 2, 1)) return false;
    const input = inputTensor(graph, node, 0);
    const axisTensor = inputTensor(graph, node, 1);
    const output = outputTensor(graph, node, 0);
    this.input = input;
    this.output = output;
    if (input.type != TensorType.INT8 && input.type != TensorType.UINT8 && input.type != TensorType.FLOAT32) {
      return unsupported(node, "input " + tensorLabel(input) + " must be int8, uint8 or float32");
    }
    const outputType = fieldI8(optionsOf(node, this.maximum ? OptionsType.ARG_MAX : OptionsType.ARG_MIN), 0, TensorType.FLOAT32);
    if (output.type != TensorType.INT32 && output.type != TensorType.INT64) {
      return unsupported(node, "output " + tensorLabel(output) + " must be int32 or int64");
    }
    if (outputType != output.type) return operatorError(node, "output_type " + typeName(outputType) + " differs from output " + tensorLabel(output));
    if (axisTensor.type != TensorType.INT32 && axisTensor.type != TensorType.INT64) {
      return unsupported(node, "axis " + tensorLabel(axisTensor) + " must be int32 or int64");
    }
    if (!checkConstant(node, axisTensor, "axis")) return false;
    if (axisTensor.elementCount != 1) return operatorError(node, "axis " + tensorLabel(axisTensor) + " must hold one value");
    const rank = input.rank;
    const axisValue = axisTensor.type == TensorType.INT64 ? load<i64>(axisTensor.data) : <i64>load<i32>(axisTensor.data);
    if (axisValue < -rank || axisValue >= rank) return operatorError(node, "axis " + axisValue.toString() + " is outside " + tensorLabel(input));
    const axis = <i32>(axisValue < 0 ? axisValue + rank : axisValue);

    const expected = new StaticArray<i32>(rank - 1);
    this.outerSize = 1;
    this.innerSize = 1;
    for (let d = 0; d < rank; d++) {
      if (d < axis) this.outerSize *= input.dim(d);
      if (d > axis) this.innerSize *= input.dim(d);
      if (d != axis) expected[d < axis ? d : d - 1] = input.dim(d);
    }
    this.axisSize = input.dim(axis);
    if (!checkOutputShape(node, output, expected)) return false;
    // The reference starts from the first element along the axis.
    if (this.axisSize == 0 && output.elementCount > 0) return operatorError(node, "axis " + axis.toString() + " of " + tensorLabel(input) + " is empty");
    return true;
  }

  eval(): void {
    switch (this.input.type) {
      case TensorType.INT8: this.search<i8>(); break;
      case TensorType.UINT8: this.search<u8>(); break;
      default: this.search<f32>();
    }
  }

  private search<T>(): void {
    const inputData = this.input.data;
    const outputData = this.output.data;
    const wideOutput = this.output.type == TensorType.INT64;
    const axisSize = this.axisSize;
    const innerSize = this.innerSize;
    const step = <usize>innerSize * sizeof<T>();
    const maximum = this.maximum;
    let outputIndex = 0;
    for (let outer = 0; outer < this.outerSize; outer++) {
      for (let inner = 0; inner < innerSize; inner++) {
        let position = inputData + (<usize>outer * <usize>axisSize * <usize>innerSize + <usize>inner) * sizeof<T>();
        let best = load<T>(position);
        let bestIndex = 0;
        for (let i = 1; i < axisSize; i++) {
          position += step;
          const value = load<T>(position);
          if (maximum ? value > best : value < best) {
            best = value;
            bestIndex = i;
          }
        }
        if (wideOutput) store<i64>(outputData + (<usize>outputIndex << 3), bestIndex);
        else store<i32>(outputData + (<usize>outputIndex << 2), bestIndex);
        outputIndex++;
      }
    }
  }
}
