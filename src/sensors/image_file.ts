// Image files to frames: BMP (tinyq's reader), PNG (pngjs) and JPEG (jpeg-js), told apart by
// their signatures. The decoders are loaded on first use, so a browser that decodes images
// itself (canvas) can load tinyq without them.

import { TinyqError } from '../errors.js';
import { decodeBmp } from './bmp.js';
import { frameFromPixels, type Frame } from './image.js';

export type ImageFormat = 'bmp' | 'png' | 'jpeg';

const SIGNATURES: [ImageFormat, number[]][] = [
  ['png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ['jpeg', [0xff, 0xd8, 0xff]],
  ['bmp', [0x42, 0x4d]],
];

/** Largest image decoded, in megapixels: a guard against files that would exhaust memory. */
const MAX_MEGAPIXELS = 64;

export function imageFormatOf(bytes: Uint8Array): ImageFormat | undefined {
  return SIGNATURES.find(([, signature]) => signature.every((byte, i) => bytes[i] === byte))?.[0];
}

/** Decodes a BMP, PNG or JPEG file. Gray images give 1-channel frames, others RGB (alpha is dropped). */
export async function decodeImage(bytes: Uint8Array): Promise<Frame> {
  const format = imageFormatOf(bytes);
  if (format === 'bmp') return decodeBmp(bytes);
  if (format === 'png') return decodePng(bytes);
  if (format === 'jpeg') return decodeJpeg(bytes);
  throw new TinyqError('INVALID_INPUT', 'not a BMP, PNG or JPEG file (unknown signature)');
}

async function decodePng(bytes: Uint8Array): Promise<Frame> {
  const { PNG } = (await import('pngjs')).default;
  let png;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw new TinyqError('INVALID_INPUT', `cannot read PNG: ${(error as Error).message}`);
  }
  // pngjs expands every colour type and bit depth to 8-bit RGBA.
  const frame = frameFromPixels(png.data, png.width, png.height, 'rgba');
  if (png.color) return frame;
  return { width: frame.width, height: frame.height, channels: 1, data: Uint8Array.from({ length: frame.width * frame.height }, (_, p) => frame.data[p * 3]) };
}

async function decodeJpeg(bytes: Uint8Array): Promise<Frame> {
  const jpeg = (await import('jpeg-js')).default;
  let image;
  try {
    image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxResolutionInMP: MAX_MEGAPIXELS });
  } catch (error) {
    throw new TinyqError('INVALID_INPUT', `cannot read JPEG: ${(error as Error).message}`);
  }
  return frameFromPixels(image.data, image.width, image.height, 'rgb');
}
