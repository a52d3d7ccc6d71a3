// Time series front-end (IMU and other multi-axis sensors): a ring buffer of samples, sliding
// windows with a stride, per-axis scaling, and CSV recordings.

import { TinyqError } from '../errors.js';
import type { TensorInfo } from '../interpreter.js';

/** A fixed-capacity FIFO of samples of `axes` values each; the oldest falls out when full. */
export class RingBuffer {
  readonly capacity: number;
  readonly axes: number;
  private readonly data: Float32Array;
  private next = 0;
  private count = 0;

  constructor(capacity: number, axes: number) {
    if (!(Number.isInteger(capacity) && capacity > 0 && Number.isInteger(axes) && axes > 0)) {
      throw new TinyqError('INVALID_ARGUMENT', `a ring buffer needs a positive integer capacity and axis count; got ${capacity} x ${axes}`);
    }
    this.capacity = capacity;
    this.axes = axes;
    this.data = new Float32Array(capacity * axes);
  }

  /** Samples held (at most capacity). */
  get length(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count === this.capacity;
  }

  /** Appends one sample (`axes` values). */
  push(sample: ArrayLike<number>): void {
    if (sample.length !== this.axes) throw new TinyqError('INVALID_INPUT', `a sample has ${this.axes} axes; got ${sample.length} values`);
    for (let a = 0; a < this.axes; a++) this.data[this.next * this.axes + a] = sample[a];
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.capacity, this.count + 1);
  }

  /** The samples held, oldest first, sample-major (length x axes values). */
  toArray(): Float32Array {
    const out = new Float32Array(this.count * this.axes);
    const oldest = (this.next - this.count + this.capacity) % this.capacity;
    for (let i = 0; i < this.count; i++) {
      const slot = (oldest + i) % this.capacity;
      out.set(this.data.subarray(slot * this.axes, (slot + 1) * this.axes), i * this.axes);
    }
    return out;
  }

  clear(): void {
    this.next = 0;
    this.count = 0;
  }
}

/** value' = (value - offset[axis]) * scale[axis]: sensor units (raw counts, m/s^2) to the model's. */
export interface AxisScaling {
  offset?: readonly number[];
  scale?: readonly number[];
}

/** Applies per-axis scaling in place to sample-major data. */
export function scaleAxes(data: Float32Array, axes: number, { offset, scale }: AxisScaling): Float32Array {
  for (const [what, values] of [['offset', offset], ['scale', scale]] as const) {
    if (values && values.length !== axes) throw new TinyqError('INVALID_ARGUMENT', `${what} has ${values.length} values for ${axes} axes`);
  }
  for (let i = 0; i < data.length; i++) {
    const axis = i % axes;
    data[i] = (data[i] - (offset?.[axis] ?? 0)) * (scale?.[axis] ?? 1);
  }
  return data;
}

export interface SlidingWindowOptions {
  /** Samples per window and axes per sample. */
  length: number;
  axes: number;
  /** Samples between two windows' starts (default: length, windows do not overlap). */
  stride?: number;
  /** Samples per second, for the time between windows (stepMs). */
  sampleRate?: number;
  scaling?: AxisScaling;
}

/** Push samples as they arrive; get every window of `length` samples, one each `stride` samples. */
export class SlidingWindow {
  readonly length: number;
  readonly axes: number;
  readonly stride: number;
  private readonly sampleRate?: number;
  private readonly scaling?: AxisScaling;
  private readonly buffer: RingBuffer;
  private samplesSeen = 0;

  constructor(options: SlidingWindowOptions) {
    this.length = options.length;
    this.axes = options.axes;
    this.stride = options.stride ?? options.length;
    if (!(Number.isInteger(this.stride) && this.stride > 0)) throw new TinyqError('INVALID_ARGUMENT', `stride must be a positive integer; got ${this.stride}`);
    this.sampleRate = options.sampleRate;
    this.scaling = options.scaling;
    this.buffer = new RingBuffer(options.length, options.axes);
  }

  /** Milliseconds between two windows (NaN without a sample rate). */
  get stepMs(): number {
    return this.sampleRate === undefined ? NaN : (this.stride * 1000) / this.sampleRate;
  }

  /** Feeds whole samples (sample-major, a multiple of `axes` values); returns the windows they completed. */
  push(values: ArrayLike<number>): Float32Array[] {
    if (values.length % this.axes !== 0) throw new TinyqError('INVALID_INPUT', `${values.length} values are not whole samples of ${this.axes} axes`);
    const windows: Float32Array[] = [];
    for (let i = 0; i < values.length; i += this.axes) {
      this.buffer.push(Array.prototype.slice.call(values, i, i + this.axes) as number[]);
      this.samplesSeen++;
      if (this.buffer.full && (this.samplesSeen - this.length) % this.stride === 0) {
        const window = this.buffer.toArray();
        windows.push(this.scaling ? scaleAxes(window, this.axes, this.scaling) : window);
      }
    }
    return windows;
  }

  reset(): void {
    this.buffer.clear();
    this.samplesSeen = 0;
  }
}

/**
 * Window length and axes of a time-series input: [1,T,A], [1,T,A,1] or [T,A]; a flat
 * [1,N] input needs the axis count (the recording's columns).
 */
export function timeSeriesShape(info: TensorInfo, axes?: number): { length: number; axes: number } {
  const dims = info.shape[0] === 1 && info.shape.length > 1 ? info.shape.slice(1) : info.shape;
  const shape = dims.length === 3 && dims[2] === 1 ? dims.slice(0, 2) : dims;
  if (shape.length === 2 && (axes === undefined || axes === shape[1])) return { length: shape[0], axes: shape[1] };
  if (shape.length === 1 && axes !== undefined && shape[0] % axes === 0) return { length: shape[0] / axes, axes };
  const given = axes === undefined ? '' : ` with ${axes} axes per sample`;
  throw new TinyqError('INVALID_INPUT', `input ${info.name} of shape [${info.shape}] does not take windows of samples${given} (expected [1,T,A] or [1,T*A])`);
}

export interface CsvRecording {
  /** Column names when the first line is a header. */
  columns?: string[];
  axes: number;
  /** Rows x axes values, row-major. */
  values: Float32Array;
}

/** A CSV of numbers, one sample per line (comma, semicolon or tab separated); an optional header line names the axes. */
export function parseCsv(text: string): CsvRecording {
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0 && !line.startsWith('#'));
  const cells = lines.map((line) => line.split(/[,;\t]/).map((cell) => cell.trim()));
  const numeric = (row: string[]) => row.every((cell) => cell !== '' && Number.isFinite(Number(cell)));
  const columns = cells.length > 0 && !numeric(cells[0]) ? cells.shift() : undefined;
  if (cells.length === 0) throw new TinyqError('INVALID_INPUT', 'the CSV has no rows of numbers');
  const axes = cells[0].length;
  if (columns && columns.length !== axes) throw new TinyqError('INVALID_INPUT', `the CSV header names ${columns.length} columns but rows have ${axes}`);
  const values = new Float32Array(cells.length * axes);
  cells.forEach((row, r) => {
    if (row.length !== axes) throw new TinyqError('INVALID_INPUT', `CSV data row ${r + 1} has ${row.length} values; the first has ${axes}`);
    if (!numeric(row)) throw new TinyqError('INVALID_INPUT', `CSV data row ${r + 1} has a value that is not a number: ${row.join(',')}`);
    row.forEach((cell, a) => (values[r * axes + a] = Number(cell)));
  });
  return { columns, axes, values };
}
