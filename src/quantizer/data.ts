// Sample files for calibration and evaluation: raw little-endian arrays (float32 inputs, uint8
// labels) or NumPy .npy files, whose header gives the dtype and shape.

import { TinyqError } from '../errors.js';

export interface ArrayFile {
  values: Float64Array;
  /** The shape from a .npy header; undefined for a raw file. */
  shape?: number[];
}

const NPY_MAGIC = '\x93NUMPY';

const NPY_READERS: Record<string, [bytes: number, read: (view: DataView, offset: number) => number]> = {
  '<f4': [4, (v, o) => v.getFloat32(o, true)],
  '<f8': [8, (v, o) => v.getFloat64(o, true)],
  '|u1': [1, (v, o) => v.getUint8(o)],
  '|i1': [1, (v, o) => v.getInt8(o)],
  '<i2': [2, (v, o) => v.getInt16(o, true)],
  '<i4': [4, (v, o) => v.getInt32(o, true)],
  '<i8': [8, (v, o) => Number(v.getBigInt64(o, true))],
};

/** Reads a .npy file, or raw bytes of `rawType` ('float32' samples, 'uint8' labels). */
export function parseArrayFile(bytes: Uint8Array, rawType: 'float32' | 'uint8', what: string): ArrayFile {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 10 && String.fromCharCode(...bytes.subarray(0, 6)) === NPY_MAGIC) return parseNpy(bytes, view, what);
  const size = rawType === 'float32' ? 4 : 1;
  if (bytes.length % size !== 0) throw new TinyqError('INVALID_INPUT', `${what}: ${bytes.length} bytes is not a whole number of ${rawType} values`);
  const values = new Float64Array(bytes.length / size);
  for (let i = 0; i < values.length; i++) values[i] = size === 4 ? view.getFloat32(4 * i, true) : bytes[i];
  return { values };
}

function parseNpy(bytes: Uint8Array, view: DataView, what: string): ArrayFile {
  const major = bytes[6];
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(headerStart, headerStart + headerLength));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  const reader = descr ? NPY_READERS[descr] : undefined;
  if (!reader || shapeText === undefined) throw new TinyqError('INVALID_INPUT', `${what}: unsupported .npy dtype ${descr ?? '?'} (float32/64, int8/16/32/64, uint8)`);
  if (fortran) throw new TinyqError('INVALID_INPUT', `${what}: Fortran-ordered .npy arrays are not supported`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const [size, read] = reader;
  const dataStart = headerStart + headerLength;
  if (bytes.length - dataStart < count * size) throw new TinyqError('INVALID_INPUT', `${what}: the .npy file is shorter than its shape [${shape}]`);
  const values = new Float64Array(count);
  for (let i = 0; i < count; i++) values[i] = read(view, dataStart + i * size);
  return { values, shape };
}

/** Splits a file of samples into `count`-value rows for an input of `shape` (batch axis included). */
export function samplesOf(file: ArrayFile, shape: number[], what: string): Float32Array[] {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size === 0 || file.values.length % size !== 0) {
    throw new TinyqError('INVALID_INPUT', `${what}: ${file.values.length} values is not a whole number of samples of shape [${shape}] (${size} values each)`);
  }
  return Array.from({ length: file.values.length / size }, (_, n) => Float32Array.from(file.values.subarray(n * size, (n + 1) * size)));
}
