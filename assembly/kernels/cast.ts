// CAST between bool, int8, uint8, int16, int32, int64 and float32, element by element as
// TFLite's kernel (built for x86-64) converts: integers wrap into narrower integers; float32
// saturates into uint8 and int16, saturates into int32 with NaN becoming INT32_MAX, and truncates
// into int8 and int64 through the x86 conversion (out of range and NaN give the most negative
// value, which int8 then wraps); anything becomes bool as `!= 0`, and bool is 0 or 1.
// Quantization parameters are ignored, as in TFLite.

import { Graph } from "../graph";
import { Tensor, TensorType, typeName } from "../tensor";
import { checkSameElementCount, tensorLabel, unsupported } from "./kernel";
import { UnaryKernel } from "./unary_kernel";

export class Cast extends UnaryKernel {
  prepare(graph: Graph): bool {
    const node = this.node;
    if (!this.bindUnary(graph)) return false;
    if (!isCastable(this.input.type)) return unsupported(node, "casting from " + tensorLabel(this.input) + " is not supported");
    if (!isCastable(this.output.type)) return unsupported(node, "casting to " + typeName(this.output.type) + " is not supported");
    return checkSameElementCount(node, this.input, this.output);
  }

  eval(): void {
    const input = this.input;
    const output = this.output;
    const count = input.elementCount;
    if (input.type == TensorType.FLOAT32) {
      for (let i = 0; i < count; i++) storeFromFloat(output, i, load<f32>(input.data + (<usize>i << 2)));
    } else {
      for (let i = 0; i < count; i++) storeFromInteger(output, i, loadInteger(input, i));
    }
  }
}

function isCastable(type: i32): bool {
  switch (type) {
    case TensorType.BOOL:
    case TensorType.INT8:
    case TensorType.UINT8:
    case TensorType.INT16:
    case TensorType.INT32:
    case TensorType.INT64:
    case TensorType.FLOAT32: return true;
    default: return false;
  }
}

/** x86-64's float-to-int32 conversion: NaN and values outside int32 give INT32_MIN. */
export function truncateToI32(value: f32): i32 {
  return value >= -2147483648.0 && value < 2147483648.0 ? <i32>value : i32.MIN_VALUE;
}

function truncateToI64(value: f32): i64 {
  return value >= -9223372036854775808.0 && value < 9223372036854775808.0 ? <i64>value : i64.MIN_VALUE;
}

function loadInteger(tensor: Tensor, i: i32): i64 {
  const data = tensor.data;
  switch (tensor.type) {
    case TensorType.BOOL: return load<u8>(data + i) != 0 ? 1 : 0;
    case TensorType.INT8: return <i64>load<i8>(data + i);
    case TensorType.UINT8: return <i64>load<u8>(data + i);
    case TensorType.INT16: return <i64>load<i16>(data + (<usize>i << 1));
    case TensorType.INT32: return <i64>load<i32>(data + (<usize>i << 2));
    default: return load<i64>(data + (<usize>i << 3));
  }
}

function storeFromInteger(tensor: Tensor, i: i32, value: i64): void {
  const data = tensor.data;
  switch (tensor.type) {
    case TensorType.BOOL: store<u8>(data + i, value != 0 ? 1 : 0); break;
    case TensorType.INT8:
    case TensorType.UINT8: store<u8>(data + i, <u8>value); break;
    case TensorType.INT16: store<i16>(data + (<usize>i << 1), <i16>value); break;
    case TensorType.INT32: store<i32>(data + (<usize>i << 2), <i32>value); break;
    case TensorType.INT64: store<i64>(data + (<usize>i << 3), value); break;
    default: store<f32>(data + (<usize>i << 2), <f32>value);
  }
}

function storeFromFloat(tensor: Tensor, i: i32, value: f32): void {
  const data = tensor.data;
  switch (tensor.type) {
    case TensorType.BOOL: store<u8>(data + i, value != 0 ? 1 : 0); break;
    case TensorType.INT8: store<i8>(data + i, <i8>truncateToI32(value)); break;
    case TensorType.UINT8: store<u8>(data + i, <u8>truncateToI32(Mathf.max(Mathf.min(value, 255), 0))); break;
    case TensorType.INT16: store<i16>(data + (<usize>i << 1), <i16>truncateToI32(Mathf.max(Mathf.min(value, 32767), -32768))); break;
    // The largest float below 2^31 keeps its value; above it (and NaN) the result is INT32_MAX.
    case TensorType.INT32: store<i32>(data + (<usize>i << 2), value <= 2147483520.0 ? <i32>Mathf.max(value, -2147483648.0) : i32.MAX_VALUE); break;
    case TensorType.INT64: store<i64>(data + (<usize>i << 3), truncateToI64(value)); break;
    default: store<f32>(data + (<usize>i << 2), value);
  }
}
