// Image front-end: camera frames (gray, RGB, RGBA, YUV 4:2:0) to a model's input tensor:
// colour conversion, center crop, resize (bilinear or area) and quantization.

import { TinyqError } from '../errors.js';
import type { TensorInfo } from '../interpreter.js';
import { quantizeInto, quantizedArray, type QuantizedArray } from '../quantize.js';

/** 8-bit pixels, row-major and interleaved: 1 channel (gray) or 3 (R, G, B). */
export interface Frame {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Uint8Array;
}

/**
 * Layouts of raw camera frames: interleaved gray / RGB / RGBA (a canvas's ImageData), or
 * `yuv420`, planar I420 (full Y plane, then U and V at half width and height).
 */
export type PixelFormat = 'gray' | 'rgb' | 'rgba' | 'yuv420';

export type ResizeMethod = 'bilinear' | 'area';

export interface ImageInputOptions {
  /** `center` (default) crops the largest centered region of the input's aspect ratio; `none` stretches. */
  crop?: 'center' | 'none';
  /** Default: `area` when shrinking (no aliasing), `bilinear` when enlarging. */
  resize?: ResizeMethod;
  /**
   * Models trained on (pixel - mean) / std: the result is quantized with the input's scale and
   * zero point. Without it a pixel p spans the input's integer range (int8: p - 128, uint8: p;
   * float32: p / 255), which is what VWW (p / 255 at scale 1/255, zero point -128), the CIFAR-10
   * ResNet (p at scale 1, zero point -128) and person_detect (p / 127.5 - 1 at scale 1/127.5,
   * zero point -1, fed p - 128 by TFLite Micro's camera code) take.
   */
  normalize?: { mean: number | number[]; std: number | number[] };
}

const BYTES_PER_PIXEL: Record<Exclude<PixelFormat, 'yuv420'>, number> = { gray: 1, rgb: 3, rgba: 4 };

/** A frame from raw camera or canvas pixels; RGBA loses its alpha, YUV 4:2:0 becomes RGB. */
export function frameFromPixels(data: ArrayLike<number>, width: number, height: number, format: PixelFormat): Frame {
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
    throw new TinyqError('INVALID_INPUT', `frame size must be positive integers; got ${width}x${height}`);
  }
  const expected = format === 'yuv420' ? width * height + 2 * Math.ceil(width / 2) * Math.ceil(height / 2) : width * height * BYTES_PER_PIXEL[format];
  if (data.length !== expected) {
    throw new TinyqError('INVALID_INPUT', `a ${width}x${height} ${format} frame has ${expected} bytes; got ${data.length}`);
  }
  switch (format) {
    case 'gray': return { width, height, channels: 1, data: Uint8Array.from(data) };
    case 'rgb': return { width, height, channels: 3, data: Uint8Array.from(data) };
    case 'rgba': {
      const rgb = new Uint8Array(width * height * 3);
      for (let p = 0; p < width * height; p++) for (let c = 0; c < 3; c++) rgb[p * 3 + c] = data[p * 4 + c];
      return { width, height, channels: 3, data: rgb };
    }
    case 'yuv420': return yuv420ToRgb(data, width, height);
  }
}

/** I420 to RGB with the full-range BT.601 matrix of JPEG/JFIF, which phone and USB cameras use. */
function yuv420ToRgb(data: ArrayLike<number>, width: number, height: number): Frame {
  const chromaWidth = Math.ceil(width / 2);
  const uPlane = width * height;
  const vPlane = uPlane + chromaWidth * Math.ceil(height / 2);
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const chroma = (y >> 1) * chromaWidth + (x >> 1);
      const luma = data[y * width + x];
      const u = data[uPlane + chroma] - 128;
      const v = data[vPlane + chroma] - 128;
      const p = (y * width + x) * 3;
      rgb[p] = clampByte(luma + 1.402 * v);
      rgb[p + 1] = clampByte(luma - 0.344136 * u - 0.714136 * v);
      rgb[p + 2] = clampByte(luma + 1.772 * u);
    }
  }
  return { width, height, channels: 3, data: rgb };
}

const clampByte = (value: number) => Math.min(255, Math.max(0, Math.round(value)));

/** Luma with the BT.601 weights (what PIL's convert('L') and most camera pipelines use). */
export function toGray(frame: Frame): Frame {
  if (frame.channels === 1) return frame;
  const gray = new Uint8Array(frame.width * frame.height);
  const rgb = frame.data;
  for (let p = 0; p < gray.length; p++) gray[p] = clampByte(0.299 * rgb[p * 3] + 0.587 * rgb[p * 3 + 1] + 0.114 * rgb[p * 3 + 2]);
  return { width: frame.width, height: frame.height, channels: 1, data: gray };
}

/** Gray replicated into R, G and B. */
export function toRgb(frame: Frame): Frame {
  if (frame.channels === 3) return frame;
  const rgb = new Uint8Array(frame.width * frame.height * 3);
  frame.data.forEach((value, p) => rgb.fill(value, p * 3, p * 3 + 3));
  return { width: frame.width, height: frame.height, channels: 3, data: rgb };
}

/** The largest centered region with the aspect ratio width:height. */
export function centerCrop(frame: Frame, width: number, height: number): Frame {
  const cropWidth = Math.min(frame.width, Math.round((frame.height * width) / height));
  const cropHeight = Math.min(frame.height, Math.round((frame.width * height) / width));
  if (cropWidth === frame.width && cropHeight === frame.height) return frame;
  const left = (frame.width - cropWidth) >> 1;
  const top = (frame.height - cropHeight) >> 1;
  const rowBytes = cropWidth * frame.channels;
  const data = new Uint8Array(cropHeight * rowBytes);
  for (let y = 0; y < cropHeight; y++) {
    const start = ((top + y) * frame.width + left) * frame.channels;
    data.set(frame.data.subarray(start, start + rowBytes), y * rowBytes);
  }
  return { width: cropWidth, height: cropHeight, channels: frame.channels, data };
}

/**
 * Resizes to width x height. `bilinear` samples at pixel centers (half-pixel offsets, like
 * OpenCV and TF2's resize); `area` averages the source pixels each output pixel covers,
 * weighting partly covered ones by their covered fraction.
 */
export function resize(frame: Frame, width: number, height: number, method: ResizeMethod = 'bilinear'): Frame {
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
    throw new TinyqError('INVALID_ARGUMENT', `resize needs a positive integer size; got ${width}x${height}`);
  }
  if (width === frame.width && height === frame.height) return frame;
  const data = new Uint8Array(width * height * frame.channels);
  const columns = method === 'area' ? areaTaps(frame.width, width) : bilinearTaps(frame.width, width);
  const rows = method === 'area' ? areaTaps(frame.height, height) : bilinearTaps(frame.height, height);
  const channels = frame.channels;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (const row of rows[y]) {
          for (const column of columns[x]) sum += row.weight * column.weight * frame.data[(row.index * frame.width + column.index) * channels + c];
        }
        data[(y * width + x) * channels + c] = clampByte(sum);
      }
    }
  }
  return { width, height, channels, data };
}

interface Tap {
  index: number;
  weight: number;
}

/** Per output position, the two nearest source positions with linear weights. */
function bilinearTaps(source: number, target: number): Tap[][] {
  const ratio = source / target;
  return Array.from({ length: target }, (_, i) => {
    const position = Math.min(source - 1, Math.max(0, (i + 0.5) * ratio - 0.5));
    const low = Math.floor(position);
    const high = Math.min(source - 1, low + 1);
    const fraction = position - low;
    return high === low ? [{ index: low, weight: 1 }] : [{ index: low, weight: 1 - fraction }, { index: high, weight: fraction }];
  });
}

/** Per output position, the source pixels of its box [i, i + 1) * ratio, weighted by coverage. */
function areaTaps(source: number, target: number): Tap[][] {
  const ratio = source / target;
  return Array.from({ length: target }, (_, i) => {
    const start = i * ratio;
    const end = Math.min(source, (i + 1) * ratio);
    const taps: Tap[] = [];
    for (let index = Math.floor(start); index < end; index++) {
      const covered = Math.min(end, index + 1) - Math.max(start, index);
      if (covered > 1e-9) taps.push({ index, weight: covered / ratio });
    }
    return taps;
  });
}

/** Height, width and channels of an NHWC image input ([1,H,W,C], [H,W,C] or [1,H,W] for gray). */
export function imageShape(info: TensorInfo): { height: number; width: number; channels: 1 | 3 } {
  const shape = info.shape;
  let dims: number[] | undefined;
  if (shape.length === 4 && shape[0] === 1) dims = shape.slice(1);
  else if (shape.length === 3 && (shape[2] === 1 || shape[2] === 3)) dims = shape;
  else if (shape.length === 3 && shape[0] === 1) dims = [shape[1], shape[2], 1];
  const channels = dims?.[2];
  if (!dims || (channels !== 1 && channels !== 3)) {
    throw new TinyqError('INVALID_INPUT', `input ${info.name} of shape [${shape}] is not an image (expected [1,H,W,1] or [1,H,W,3])`);
  }
  return { height: dims[0], width: dims[1], channels };
}

/**
 * The input tensor's values for a frame: converted to the input's channels, cropped to its
 * aspect ratio, resized to its size and quantized (see ImageInputOptions.normalize).
 * The result (Int8Array, Uint8Array or Float32Array) goes to Interpreter.setInput as is.
 */
export function imageToInput(frame: Frame, info: TensorInfo, options: ImageInputOptions = {}): QuantizedArray | Float32Array {
  const { height, width, channels } = imageShape(info);
  let image = channels === 1 ? toGray(frame) : toRgb(frame);
  if ((options.crop ?? 'center') === 'center') image = centerCrop(image, width, height);
  const shrinking = image.width > width || image.height > height;
  image = resize(image, width, height, options.resize ?? (shrinking ? 'area' : 'bilinear'));
  return pixelsToInput(image.data, channels, info, options.normalize);
}

function pixelsToInput(pixels: Uint8Array, channels: number, info: TensorInfo, normalize?: ImageInputOptions['normalize']): QuantizedArray | Float32Array {
  if (normalize === undefined) {
    if (info.dtype === 'int8') return Int8Array.from(pixels, (p) => p - 128);
    if (info.dtype === 'uint8') return Uint8Array.from(pixels);
    if (info.dtype === 'float32') return Float32Array.from(pixels, (p) => p / 255);
    throw new TinyqError('INVALID_INPUT', `input ${info.name} is ${info.dtype}; images go to int8, uint8 or float32 inputs (or give normalize)`);
  }
  const perChannel = (value: number | number[], what: string) => {
    const values = typeof value === 'number' ? Array<number>(channels).fill(value) : value;
    if (values.length !== channels) throw new TinyqError('INVALID_ARGUMENT', `normalize.${what} has ${values.length} values for ${channels} channel(s)`);
    return values;
  };
  const mean = perChannel(normalize.mean, 'mean');
  const std = perChannel(normalize.std, 'std');
  const real = Float32Array.from(pixels, (p, k) => (p - mean[k % channels]) / std[k % channels]);
  if (info.dtype === 'float32') return real;
  if (!info.quantized) throw new TinyqError('INVALID_INPUT', `input ${info.name} is ${info.dtype} without quantization; normalized pixels need a float32 or quantized input`);
  const target = quantizedArray(info.dtype, real.length);
  quantizeInto(target, real, info.scale, info.zeroPoint);
  return target;
}
