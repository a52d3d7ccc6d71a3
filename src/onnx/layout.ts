// Axis permutations between ONNX's layout (NCHW) and the layout a TFLite tensor stores (NHWC for
// images), and the row-major index arithmetic that re-lays out constant data at conversion.

/** A permutation `perm`: axis i of the stored tensor is axis perm[i] of the ONNX tensor. */
export type Perm = number[];

export const identity = (rank: number): Perm => Array.from({ length: rank }, (_, i) => i);
/** NCHW as NHWC. */
export const NHWC: Perm = [0, 2, 3, 1];

export const sameValues = (a: number[], b: number[]): boolean => a.length === b.length && a.every((value, i) => value === b[i]);
export const isIdentity = (perm: Perm): boolean => perm.every((axis, i) => axis === i);
export const permute = <T>(values: T[], perm: Perm): T[] => perm.map((axis) => values[axis]);
export const elementCount = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** The axis order of a TRANSPOSE that turns a tensor stored as `from` into one stored as `to`. */
export function transposeBetween(from: Perm, to: Perm): Perm {
  return to.map((axis) => from.indexOf(axis));
}

/**
 * Whether two storage orders of a tensor of ONNX shape `shape` put the elements in the same
 * order: they do when the axes longer than 1 come in the same sequence (then a RESHAPE
 * replaces the TRANSPOSE).
 */
export function sameMemoryOrder(shape: number[], a: Perm, b: Perm): boolean {
  const long = (perm: Perm) => perm.filter((axis) => shape[axis] > 1);
  return sameValues(long(a), long(b));
}

/** Row-major strides of a shape. */
export function strides(shape: number[]): number[] {
  const result = new Array<number>(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    result[axis] = stride;
    stride *= shape[axis];
  }
  return result;
}

/**
 * For each element of a tensor of shape `shape` stored with axes `perm`, the row-major index of
 * the same element in the ONNX layout.
 */
export function sourceIndices(shape: number[], perm: Perm): Int32Array {
  const storedShape = permute(shape, perm);
  const sourceStrides = permute(strides(shape), perm);
  const count = elementCount(shape);
  const indices = new Int32Array(count);
  const position = new Array<number>(perm.length).fill(0);
  for (let i = 0; i < count; i++) {
    let source = 0;
    for (let axis = 0; axis < perm.length; axis++) source += position[axis] * sourceStrides[axis];
    indices[i] = source;
    for (let axis = perm.length - 1; axis >= 0; axis--) {
      if (++position[axis] < storedShape[axis]) break;
      position[axis] = 0;
    }
  }
  return indices;
}

type Numbers = { length: number; [index: number]: number };

/** Data of an ONNX-layout tensor re-laid out with axes `perm`, in an array of the same kind. */
export function permuteData<T extends Numbers>(data: T, shape: number[], perm: Perm, make: (length: number) => T): T {
  if (isIdentity(perm)) return data;
  const indices = sourceIndices(shape, perm);
  const result = make(indices.length);
  for (let i = 0; i < indices.length; i++) result[i] = data[indices[i]];
  return result;
}

/** NumPy broadcasting of two shapes; null when they do not broadcast. */
export function broadcastShapes(a: number[], b: number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const result: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    result.push(x === 1 ? y : x);
  }
  return result;
}

/** A negative ONNX axis counts from the end. */
export function normalizeAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}
