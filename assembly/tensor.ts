// Tensors as the engine sees them: shape, element type, quantization and where the bytes live
// (in the model for constants, in the arena for activations).

import { readF32, readI64 } from "./flatbuffer";

/** TFLite's TensorType values. */
export namespace TensorType {
  export const FLOAT32: i32 = 0;
  export const FLOAT16: i32 = 1;
  export const INT32: i32 = 2;
  export const UINT8: i32 = 3;
  export const INT64: i32 = 4;
  export const STRING: i32 = 5;
  export const BOOL: i32 = 6;
  export const INT16: i32 = 7;
  export const COMPLEX64: i32 = 8;
  export const INT8: i32 = 9;
  export const FLOAT64: i32 = 10;
  export const COMPLEX128: i32 = 11;
  export const UINT64: i32 = 12;
  export const UINT32: i32 = 15;
  export const UINT16: i32 = 16;
  /** Two signed 4-bit values per byte, low nibble first; constant weights only, unpacked to int8 at load. */
  export const INT4: i32 = 17;
}

/** Bytes per element, or 0 for types the engine cannot hold (strings, resources, variants). */
export function elementSize(type: i32): i32 {
  switch (type) {
    case TensorType.BOOL:
    case TensorType.UINT8:
    case TensorType.INT8: return 1;
    case TensorType.FLOAT16:
    case TensorType.INT16:
    case TensorType.UINT16: return 2;
    case TensorType.FLOAT32:
    case TensorType.INT32:
    case TensorType.UINT32: return 4;
    case TensorType.INT64:
    case TensorType.UINT64:
    case TensorType.FLOAT64:
    case TensorType.COMPLEX64: return 8;
    case TensorType.COMPLEX128: return 16;
    default: return 0;
  }
}

export function typeName(type: i32): string {
  switch (type) {
    case TensorType.FLOAT32: return "float32";
    case TensorType.FLOAT16: return "float16";
    case TensorType.INT32: return "int32";
    case TensorType.UINT8: return "uint8";
    case TensorType.INT64: return "int64";
    case TensorType.STRING: return "string";
    case TensorType.BOOL: return "bool";
    case TensorType.INT16: return "int16";
    case TensorType.INT8: return "int8";
    case TensorType.INT4: return "int4";
    case TensorType.FLOAT64: return "float64";
    default: return "type " + type.toString();
  }
}

const NAME_BYTES: i32 = 128;

export class Tensor {
  index: i32 = 0;
  type: i32 = 0;
  /** Set by the reader (model.ts) or the kernel that makes the tensor. */
  shape!: StaticArray<i32>;
  elementCount: i32 = 0;
  byteSize: i32 = 0;
  /** Absolute address of the data: in the model for constants, in the arena otherwise. */
  data: usize = 0;
  isConstant: bool = false;
  isVariable: bool = false;
  /** The axis of per-channel quantization (a rank is at most 8): beside the flags, in their word. */
  quantizedDimension: i8 = 0;
  /** Name bytes inside the model (UTF-8). */
  namePosition: usize = 0;
  nameLength: i32 = 0;

  scale: f32 = 0;
  zeroPoint: i32 = 0;
  /** Per-channel quantization: vectors inside the model, read on demand. */
  quantizationCount: i32 = 0;
  scalesPosition: u32 = 0;
  zeroPointsPosition: u32 = 0;

  /** Set by the planner: where an activation lives in the arena. */
  arenaOffset: i32 = -1;

  get rank(): i32 {
    return this.shape.length;
  }

  dim(axis: i32): i32 {
    return unchecked(this.shape[axis]);
  }

  channelScale(channel: i32): f32 {
    return this.quantizationCount > 1 ? readF32(this.scalesPosition + 4 * <u32>channel) : this.scale;
  }

  channelZeroPoint(channel: i32): i64 {
    return this.quantizationCount > 1 ? readI64(this.zeroPointsPosition + 8 * <u32>channel) : <i64>this.zeroPoint;
  }

  /** The name for messages, cut to NAME_BYTES: the heap keeps room for a message, not for any name a model holds. */
  name(): string {
    return this.nameLength > 0 ? String.UTF8.decodeUnsafe(this.namePosition, <usize>min(this.nameLength, NAME_BYTES)) : "#" + this.index.toString();
  }
}
