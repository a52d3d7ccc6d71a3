// Element types as the host names them, mapped from TFLite's TensorType codes.

export type DType = 'float32' | 'float16' | 'int32' | 'uint8' | 'int64' | 'string' | 'bool' | 'int16' | 'int8' | 'float64' | 'uint32' | 'uint16' | 'uint64' | 'complex64' | 'complex128';

const TYPE_CODES: Record<number, DType> = {
  0: 'float32', 1: 'float16', 2: 'int32', 3: 'uint8', 4: 'int64', 5: 'string', 6: 'bool', 7: 'int16',
  8: 'complex64', 9: 'int8', 10: 'float64', 11: 'complex128', 12: 'uint64', 15: 'uint32', 16: 'uint16',
};

export function dtypeOf(code: number): DType {
  const dtype = TYPE_CODES[code];
  if (!dtype) throw new Error(`unknown tensor type code ${code}`);
  return dtype;
}

export type TypedArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

/** A typed-array view of `bytes` in the tensor's element type (bytes must be aligned for it). */
export function viewAs(dtype: DType, buffer: ArrayBufferLike, byteOffset: number, byteLength: number): TypedArray {
  switch (dtype) {
    case 'int8': return new Int8Array(buffer, byteOffset, byteLength);
    case 'uint8': case 'bool': return new Uint8Array(buffer, byteOffset, byteLength);
    case 'int16': return new Int16Array(buffer, byteOffset, byteLength / 2);
    case 'uint16': case 'float16': return new Uint16Array(buffer, byteOffset, byteLength / 2);
    case 'int32': return new Int32Array(buffer, byteOffset, byteLength / 4);
    case 'uint32': return new Uint32Array(buffer, byteOffset, byteLength / 4);
    case 'float32': return new Float32Array(buffer, byteOffset, byteLength / 4);
    case 'float64': return new Float64Array(buffer, byteOffset, byteLength / 8);
    case 'int64': return new BigInt64Array(buffer, byteOffset, byteLength / 8);
    case 'uint64': return new BigUint64Array(buffer, byteOffset, byteLength / 8);
    default: return new Uint8Array(buffer, byteOffset, byteLength);
  }
}

/** The typed array class whose elements are exactly the dtype's (for raw input checks). */
export function rawArrayMatches(dtype: DType, data: ArrayBufferView): boolean {
  switch (dtype) {
    case 'int8': return data instanceof Int8Array;
    case 'uint8': case 'bool': return data instanceof Uint8Array;
    case 'int16': return data instanceof Int16Array;
    case 'int32': return data instanceof Int32Array;
    case 'float32': return data instanceof Float32Array;
    case 'int64': return data instanceof BigInt64Array;
    default: return false;
  }
}

export const QUANTIZED_RANGE: Partial<Record<DType, [number, number]>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
};
