// The image front-end: pixel formats, colour conversion, crop, resize, quantization to an
// input tensor, and the BMP / PNG / JPEG decoders.

import fs from 'node:fs';
import path from 'node:path';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  centerCrop, decodeBmp, decodeImage, frameFromPixels, imageToInput, resize, TinyqError, toGray, toRgb,
  type Frame, type TensorInfo,
} from '../../src/index.js';
import { sharedDir } from '../conformance.js';
import { throwsTinyqError } from '../tinyq_error.js';

const dataDir = path.join(sharedDir, 'data');

function imageInput(shape: number[], dtype: TensorInfo['dtype'] = 'int8', scale = 1 / 255, zeroPoint = -128): TensorInfo {
  return { index: 0, name: 'image', dtype, shape, scale, zeroPoint, quantized: dtype !== 'float32', bytes: 0 };
}

const gray = (width: number, height: number, values: number[]): Frame => ({ width, height, channels: 1, data: Uint8Array.from(values) });

test('RGBA loses its alpha; gray and RGB convert both ways with BT.601 luma', () => {
  const frame = frameFromPixels([255, 0, 0, 9, 0, 255, 0, 9, 0, 0, 255, 9, 10, 20, 30, 9], 2, 2, 'rgba');
  assert.equal([...frame.data], [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]);
  assert.equal([...toGray(frame).data], [76, 150, 29, 18]);
  assert.equal([...toRgb(gray(2, 1, [7, 200])).data], [7, 7, 7, 200, 200, 200]);
});

test('YUV 4:2:0 frames: gray chroma gives gray RGB, and chroma is shared by 2x2 blocks', () => {
  // 2x2 luma, one U and one V sample: neutral chroma (128) keeps R = G = B = Y.
  assert.equal([...frameFromPixels([16, 100, 200, 235, 128, 128], 2, 2, 'yuv420').data], [16, 16, 16, 100, 100, 100, 200, 200, 200, 235, 235, 235]);
  // Pure red in full-range BT.601 is Y 76, U 85, V 255.
  const red = frameFromPixels([76, 76, 76, 76, 85, 255], 2, 2, 'yuv420');
  for (let p = 0; p < 4; p++) {
    const [r, g, b] = red.data.subarray(p * 3, p * 3 + 3);
    assert.ok(r >= 253 && g <= 2 && b <= 2, `pixel ${p}: ${r},${g},${b}`);
  }
});

test('a frame of the wrong byte length is refused with the expected size', () => {
  throwsTinyqError(() => frameFromPixels(new Uint8Array(11), 2, 2, 'rgb'), /2x2 rgb frame has 12 bytes; got 11/, 'INVALID_INPUT');
  throwsTinyqError(() => frameFromPixels(new Uint8Array(5), 2, 2, 'yuv420'), /has 6 bytes/, 'INVALID_INPUT');
});

test('center crop keeps the middle at the target aspect ratio', () => {
  const wide = gray(4, 2, [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.equal(centerCrop(wide, 1, 1), gray(2, 2, [1, 2, 5, 6]));
  const tall = gray(1, 3, [1, 2, 3]);
  assert.equal(centerCrop(tall, 1, 1), gray(1, 1, [2]));
  assert.is(centerCrop(wide, 2, 1), wide);
});

test('area resize averages the covered pixels; bilinear samples at pixel centers', () => {
  const frame = gray(4, 2, [0, 10, 20, 30, 40, 50, 60, 70]);
  assert.equal([...resize(frame, 2, 1, 'area').data], [25, 45]);
  // Halving by bilinear lands between pixels 0-1 and 2-3 of each row, then between the rows.
  assert.equal([...resize(frame, 2, 1, 'bilinear').data], [25, 45]);
  // Doubling a 2-pixel row: centers at 0.25 and 0.75 of the source pixel pitch.
  assert.equal([...resize(gray(2, 1, [0, 100]), 4, 1, 'bilinear').data], [0, 25, 75, 100]);
  // Area on a non-integer ratio weighs the partly covered middle pixel by half.
  assert.equal([...resize(gray(3, 1, [0, 90, 30]), 2, 1, 'area').data], [30, 50]);
  assert.is(resize(frame, 4, 2), frame);
});

test('RGB channels are resized independently', () => {
  const frame = frameFromPixels([255, 0, 0, 0, 0, 255], 2, 1, 'rgb');
  assert.equal([...resize(frame, 1, 1, 'area').data], [128, 0, 128]);
});

test('imageToInput: p - 128 for int8, p for uint8, p / 255 for float32', () => {
  const frame = gray(2, 2, [0, 128, 200, 255]);
  assert.equal([...imageToInput(frame, imageInput([1, 2, 2, 1]))], [-128, 0, 72, 127]);
  assert.equal([...imageToInput(frame, imageInput([1, 2, 2, 1], 'uint8', 1, 0))], [0, 128, 200, 255]);
  const floats = imageToInput(frame, imageInput([1, 2, 2, 1], 'float32'));
  assert.instance(floats, Float32Array);
  assert.ok(Math.abs(floats[3] - 1) < 1e-7);
  // A gray frame to an RGB input replicates; an RGB input of [1,H,W,3] takes interleaved channels.
  assert.equal([...imageToInput(gray(1, 1, [130]), imageInput([1, 1, 1, 3]))], [2, 2, 2]);
});

test('imageToInput crops and resizes to the input size', () => {
  // 4x2 -> center crop 2x2 -> area 1x1: the mean of the middle columns.
  const frame = gray(4, 2, [0, 100, 200, 0, 0, 100, 200, 0]);
  assert.equal([...imageToInput(frame, imageInput([1, 1, 1, 1]))], [150 - 128]);
  assert.equal([...imageToInput(frame, imageInput([1, 1, 1, 1]), { crop: 'none' })], [75 - 128]);
});

test('normalize quantizes (p - mean) / std with the input scale and zero point', () => {
  const frame = gray(1, 3, [0, 127, 255]);
  // person_detect's documented normalisation p / 127.5 - 1 at scale 1/127.5, zero point -1 lands on
  // rounding ties (float32 1 / scale is 127.49999...): 127 -> -2 and 255 -> 126 instead of the
  // p - 128 its camera code feeds, which is why p - 128 is the default.
  const input = imageInput([1, 3, 1, 1], 'int8', 1 / 127.5, -1);
  assert.equal([...imageToInput(frame, input, { normalize: { mean: 127.5, std: 127.5 } })], [-128, -2, 126]);
  const rgb = frameFromPixels([10, 20, 30], 1, 1, 'rgb');
  const perChannel = imageToInput(rgb, imageInput([1, 1, 1, 3], 'float32'), { normalize: { mean: [10, 10, 10], std: [1, 2, 4] } });
  assert.equal([...perChannel], [0, 5, 5]);
  throwsTinyqError(() => imageToInput(rgb, imageInput([1, 1, 1, 3]), { normalize: { mean: [1, 2], std: 1 } }), /mean has 2 values for 3/, 'INVALID_ARGUMENT');
});

test('an input that is not an image is refused with its shape', () => {
  throwsTinyqError(() => imageToInput(gray(1, 1, [0]), imageInput([1, 49, 10, 2])), /\[1,49,10,2\] is not an image/, 'INVALID_INPUT');
});

/** A BMP file in memory: 40-byte info header, optional palette, rows padded to 4 bytes. */
function bmpFile(width: number, height: number, bitCount: number, rows: number[][], palette: number[][] = []): Uint8Array {
  const rowBytes = Math.ceil((width * bitCount) / 32) * 4;
  const offset = 54 + palette.length * 4;
  const bytes = new Uint8Array(offset + rowBytes * Math.abs(height));
  const view = new DataView(bytes.buffer);
  bytes.set([0x42, 0x4d]);
  view.setUint32(2, bytes.length, true);
  view.setUint32(10, offset, true);
  view.setUint32(14, 40, true);
  view.setInt32(18, width, true);
  view.setInt32(22, height, true);
  view.setUint16(26, 1, true);
  view.setUint16(28, bitCount, true);
  view.setUint32(46, palette.length, true);
  palette.forEach(([r, g, b], i) => bytes.set([b, g, r, 0], 54 + i * 4));
  rows.forEach((row, r) => bytes.set(row, offset + r * rowBytes));
  return bytes;
}

test('BMP: 24-bit bottom-up, 8-bit gray palette, 4-bit colour palette, top-down', () => {
  // Stored bottom row first, as B, G, R.
  const bgr = bmpFile(2, 2, 24, [[3, 2, 1, 6, 5, 4], [9, 8, 7, 12, 11, 10]]);
  assert.equal(decodeBmp(bgr), { width: 2, height: 2, channels: 3, data: Uint8Array.from([7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6]) });
  const grayPalette = Array.from({ length: 256 }, (_, i) => [i, i, i]);
  assert.equal(decodeBmp(bmpFile(3, -1, 8, [[5, 6, 7]], grayPalette)), gray(3, 1, [5, 6, 7]));
  const colours = bmpFile(3, 1, 4, [[0x01, 0x20]], [[255, 0, 0], [0, 255, 0], [0, 0, 255]]);
  assert.equal([...decodeBmp(colours).data], [255, 0, 0, 0, 255, 0, 0, 0, 255]);
});

test('BMP: truncated, compressed and palette-overflow files are refused', () => {
  const file = bmpFile(2, 2, 24, [[0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]]);
  throwsTinyqError(() => decodeBmp(file.subarray(0, file.length - 1)), /runs past the end/, 'INVALID_INPUT');
  const rle = file.slice();
  new DataView(rle.buffer).setUint32(30, 1, true);
  throwsTinyqError(() => decodeBmp(rle), /compression 1/, 'INVALID_INPUT');
  throwsTinyqError(() => decodeBmp(bmpFile(1, 1, 8, [[3]], [[0, 0, 0], [1, 1, 1]])), /colour 3 of a 2-colour palette/, 'INVALID_INPUT');
});

test('PNG and JPEG round trips through pngjs and jpeg-js', async () => {
  const rgba = Uint8Array.from({ length: 8 * 8 * 4 }, (_, i) => (i % 4 === 3 ? 255 : (i * 7) % 256));
  const png = pngjs.PNG.sync.write(Object.assign(new pngjs.PNG({ width: 8, height: 8 }), { data: Buffer.from(rgba) }));
  const frame = await decodeImage(new Uint8Array(png));
  assert.equal(frame, frameFromPixels(rgba, 8, 8, 'rgba'));
  const flat = Buffer.from(Uint8Array.from({ length: 16 * 16 * 4 }, (_, i) => (i % 4 === 3 ? 255 : 90 + (i % 4) * 40)));
  const decoded = await decodeImage(new Uint8Array(jpeg.encode({ width: 16, height: 16, data: flat }, 95).data));
  assert.is(decoded.channels, 3);
  assert.ok(decoded.data.every((value, i) => Math.abs(value - (90 + (i % 3) * 40)) <= 3), 'JPEG colours survive within 3 levels');
  await decodeImage(new TextEncoder().encode('GIF89a')).then(
    () => assert.unreachable('a GIF is not decoded'),
    (error: TinyqError) => assert.match(error.message, /not a BMP, PNG or JPEG/),
  );
});

if (fs.existsSync(dataDir)) {
  test('shared person.bmp holds person.png as int8 bytes (p - 128), read through its gray palette', async () => {
    for (const name of ['person', 'no_person']) {
      const png = await decodeImage(new Uint8Array(fs.readFileSync(path.join(dataDir, `${name}.png`))));
      const bmp = await decodeImage(new Uint8Array(fs.readFileSync(path.join(dataDir, `${name}.bmp`))));
      assert.is(png.channels, 1);
      assert.is(bmp.channels, 1);
      assert.equal([...bmp.data], [...png.data].map((p) => (p - 128) & 0xff), name);
    }
  });
} else {
  console.log(`sensors_image: ${dataDir} not found; skipping the shared BMP/PNG test`);
}

test.run();
