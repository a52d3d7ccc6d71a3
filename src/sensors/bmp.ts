// A BMP reader for uncompressed Windows bitmaps: 1/4/8-bit palette, 24-bit BGR, 32-bit BGRX.

import { TinyqError } from '../errors.js';
import type { Frame } from './image.js';

const FILE_HEADER_BYTES = 14;
const INFO_HEADER_BYTES = 40;
const BI_RGB = 0;
const BI_BITFIELDS = 3;

function invalid(reason: string): TinyqError {
  return new TinyqError('INVALID_INPUT', `cannot read BMP: ${reason}`);
}

/**
 * Decodes a BMP. A palette whose colours are all gray gives a 1-channel frame, any other
 * bitmap an RGB frame. Compressed (RLE, JPEG/PNG-in-BMP) and 16-bit bitmaps are refused.
 */
export function decodeBmp(bytes: Uint8Array): Frame {
  if (bytes.length < FILE_HEADER_BYTES + INFO_HEADER_BYTES || bytes[0] !== 0x42 || bytes[1] !== 0x4d) throw invalid('no BM header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pixelOffset = view.getUint32(10, true);
  const headerBytes = view.getUint32(14, true);
  if (headerBytes < INFO_HEADER_BYTES) throw invalid(`header of ${headerBytes} bytes (OS/2 bitmaps are not supported)`);
  const width = view.getInt32(18, true);
  const signedHeight = view.getInt32(22, true);
  const bitCount = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  const height = Math.abs(signedHeight);
  if (width <= 0 || height === 0 || width * height > 1 << 28) throw invalid(`size ${width}x${signedHeight}`);
  const standardMasks = compression === BI_BITFIELDS && bitCount === 32 && headerBytes >= 52
    && view.getUint32(54, true) === 0xff0000 && view.getUint32(58, true) === 0xff00 && view.getUint32(62, true) === 0xff;
  if (compression !== BI_RGB && !standardMasks) throw invalid(`compression ${compression} is not supported (only uncompressed bitmaps)`);
  if (![1, 4, 8, 24, 32].includes(bitCount)) throw invalid(`${bitCount} bits per pixel is not supported`);

  const rowBytes = Math.ceil((width * bitCount) / 32) * 4;
  if (pixelOffset + rowBytes * height > bytes.length) throw invalid(`pixel data runs past the end of the file (${bytes.length} bytes)`);
  // Rows are stored bottom-up unless the height is negative.
  const rowStart = (y: number) => pixelOffset + (signedHeight > 0 ? height - 1 - y : y) * rowBytes;

  if (bitCount >= 24) {
    const data = new Uint8Array(width * height * 3);
    const step = bitCount / 8;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const source = rowStart(y) + x * step;
        const target = (y * width + x) * 3;
        data[target] = bytes[source + 2];
        data[target + 1] = bytes[source + 1];
        data[target + 2] = bytes[source];
      }
    }
    return { width, height, channels: 3, data };
  }

  const palette = readPalette(bytes, view, FILE_HEADER_BYTES + headerBytes, bitCount, pixelOffset);
  const gray = palette.every(([r, g, b]) => r === g && g === b);
  const channels = gray ? 1 : 3;
  const data = new Uint8Array(width * height * channels);
  const perByte = 8 / bitCount;
  const mask = (1 << bitCount) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const byte = bytes[rowStart(y) + Math.floor(x / perByte)];
      const index = (byte >> (8 - bitCount * ((x % perByte) + 1))) & mask;
      if (index >= palette.length) throw invalid(`pixel (${x}, ${y}) uses colour ${index} of a ${palette.length}-colour palette`);
      const colour = palette[index];
      if (gray) data[y * width + x] = colour[0];
      else data.set(colour, (y * width + x) * 3);
    }
  }
  return { width, height, channels, data };
}

/** The colour table (B, G, R, reserved per entry) as [R, G, B] triples. */
function readPalette(bytes: Uint8Array, view: DataView, start: number, bitCount: number, pixelOffset: number): [number, number, number][] {
  const declared = view.getUint32(46, true);
  const count = declared === 0 ? 1 << bitCount : declared;
  if (count > 1 << bitCount || start + count * 4 > pixelOffset) throw invalid(`a palette of ${count} colours does not fit before the pixels`);
  return Array.from({ length: count }, (_, i) => [bytes[start + i * 4 + 2], bytes[start + i * 4 + 1], bytes[start + i * 4]]);
}
