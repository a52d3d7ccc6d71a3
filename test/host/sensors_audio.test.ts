// The audio front-end: WAV files, FFT, TensorFlow's mel filterbank and MFCC, clip and streaming
// features, checked against tf.signal (test/fixtures/gen_sensors.py) and, where ../shared is
// present, against the MLPerf Tiny KWS input of yes_1000ms.wav in the kws_ref_model case.

import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  AudioFeatureStream, clipFeatures, encodeWav, featureWindows, Fft, melWeights, MLPERF_AD, MLPERF_KWS, quantize, readWav,
  type AudioFeatureConfig,
} from '../../src/index.js';
import { throwsTinyqError } from '../tinyq_error.js';
import { fixturesDir, readBytes, sharedConformanceDir, sharedDir } from '../conformance.js';

const fixture = JSON.parse(fs.readFileSync(path.join(fixturesDir, 'sensors/chirp_500ms_kws.json'), 'utf8')) as {
  scale: number;
  zero_point: number;
  mfcc: number[][];
  quantized: number[];
  mel_matrix_nonzero: [number, number, number][];
};
const chirp = readWav(new Uint8Array(fs.readFileSync(path.join(fixturesDir, 'sensors/chirp_500ms.wav'))));
const kwsInput = { dtype: 'int8' as const, scale: fixture.scale, zeroPoint: fixture.zero_point };

/** Counts of values equal and one step off between two int8 arrays. */
function agreement(actual: ArrayLike<number>, expected: ArrayLike<number>): { equal: number; withinOne: number; total: number } {
  let equal = 0;
  let withinOne = 0;
  for (let i = 0; i < expected.length; i++) {
    const difference = Math.abs(actual[i] - expected[i]);
    if (difference === 0) equal++;
    if (difference <= 1) withinOne++;
  }
  return { equal, withinOne, total: expected.length };
}

test('WAV: 16-bit PCM round trip, extra chunks skipped, other formats refused', () => {
  const left = Int16Array.from([0, 1, -1, 32767, -32768]);
  const right = Int16Array.from([5, 4, 3, 2, 1]);
  const bytes = encodeWav({ sampleRate: 8000, channels: [left, right] });
  assert.equal(readWav(bytes), { sampleRate: 8000, channels: [left, right] });
  // A LIST chunk (odd-sized, so padded) between fmt and data.
  const list = Uint8Array.from([...new TextEncoder().encode('LIST'), 3, 0, 0, 0, 1, 2, 3, 0]);
  const withList = new Uint8Array(bytes.length + list.length);
  withList.set(bytes.subarray(0, 36));
  withList.set(list, 36);
  withList.set(bytes.subarray(36), 36 + list.length);
  assert.equal(readWav(withList).channels, [left, right]);
  const eightBit = bytes.slice();
  new DataView(eightBit.buffer).setUint16(34, 8, true);
  throwsTinyqError(() => readWav(eightBit), /only 16-bit PCM/);
  throwsTinyqError(() => readWav(new TextEncoder().encode('RIFF....WAVEdata')), /no fmt chunk/);
  throwsTinyqError(() => readWav(new Uint8Array(4)), /no RIFF\/WAVE header/);
});

test('FFT spectrum equals a direct DFT', () => {
  const frame = Float64Array.from({ length: 48 }, (_, n) => Math.sin(n * 0.7) + 0.3 * Math.cos(n * 2.1) + (n % 5) / 10);
  const fft = new Fft(64);
  const magnitude = new Float64Array(33);
  const power = new Float64Array(33);
  fft.spectrum(frame, magnitude, 'magnitude');
  fft.spectrum(frame, power, 'power');
  for (let k = 0; k <= 32; k++) {
    let re = 0;
    let im = 0;
    frame.forEach((x, n) => {
      re += x * Math.cos((2 * Math.PI * k * n) / 64);
      im -= x * Math.sin((2 * Math.PI * k * n) / 64);
    });
    assert.ok(Math.abs(magnitude[k] - Math.hypot(re, im)) < 1e-9, `bin ${k}`);
    assert.ok(Math.abs(power[k] - (re * re + im * im)) < 1e-8, `bin ${k}`);
  }
  throwsTinyqError(() => new Fft(48), /power of two/);
});

test('the mel filterbank equals tf.signal.linear_to_mel_weight_matrix', () => {
  const matrix = melWeights(MLPERF_KWS);
  assert.is(matrix.length, 257);
  assert.ok(matrix[0].every((weight) => weight === 0), 'the DC bin is zeroed');
  for (const [bin, mel, weight] of fixture.mel_matrix_nonzero) assert.ok(Math.abs(matrix[bin][mel] - weight) < 1e-5, `bin ${bin} mel ${mel}`);
});

test('KWS MFCCs of a synthetic clip match tf.signal (float and quantized)', () => {
  const { frames, features } = clipFeatures(chirp.channels[0], MLPERF_KWS);
  assert.is(frames, 49);
  let largest = 0;
  fixture.mfcc.flat().forEach((value, i) => (largest = Math.max(largest, Math.abs(features[i] - value))));
  assert.ok(largest < 1e-4, `largest difference ${largest}`);
  const { equal, withinOne, total } = agreement(quantize(features, kwsInput, 'truncate'), fixture.quantized);
  assert.ok(withinOne === total && equal >= 0.99 * total, `${equal} of ${total} equal, ${withinOne} within one step`);
});

test('streaming features equal the clip features once a window is complete', () => {
  const samples = new Int16Array(16000 + 320 * 3);
  samples.set(chirp.channels[0]);
  const stream = new AudioFeatureStream(MLPERF_KWS);
  const windows: Float32Array[] = [];
  // Chunks of irregular sizes, as a microphone driver delivers them.
  for (let start = 0, size = 1; start < samples.length; start += size, size = (size * 7) % 997 + 1) windows.push(...stream.push(samples.subarray(start, start + size)));
  assert.is(windows.length, 4, 'one window after the 49th frame, then one per 20 ms frame');
  assert.is(stream.frames, 52);
  assert.is(stream.stepMs, 20);
  // The first window covers samples 0..15839, which hold the clip's peak, so it is the clip's features.
  const clip = clipFeatures(samples.subarray(0, 16000), MLPERF_KWS).features;
  windows[0].forEach((value, i) => assert.ok(Math.abs(value - clip[i]) < 1e-4, `value ${i}`));
  // The second window starts one frame (320 samples) later.
  const later = clipFeatures(samples.subarray(320, 16320), MLPERF_KWS).features;
  windows[1].forEach((value, i) => assert.ok(Math.abs(value - later[i]) < 1e-4, `value ${i}`));
});

test('a window stride skips frames between windows', () => {
  const stream = new AudioFeatureStream(MLPERF_KWS, { windowStride: 5 });
  const windows = stream.push(new Int16Array(16000 + 320 * 10).map((_, i) => (i * 37) % 200));
  assert.is(windows.length, 3);
  assert.is(stream.stepMs, 100);
  throwsTinyqError(() => new AudioFeatureStream(MLPERF_KWS, { windowStride: 0 }), /windowStride/);
});

test('AD log-mel: centered frames, 5-frame windows sliding by one', () => {
  const clip = clipFeatures(chirp.channels[0], MLPERF_AD);
  // 8000 samples + 2 x 512 mirrored ones, frames of 1024 every 512 samples.
  assert.is(clip.frames, 16);
  const windows = featureWindows(clip, MLPERF_AD);
  assert.is(windows.length, 12);
  assert.equal(windows[1].subarray(0, 128), clip.features.subarray(128, 256));
  // A full-scale sine's power lands in the mel bins around its frequency (10 log10 of power).
  const tone = Int16Array.from({ length: 4096 }, (_, n) => Math.round(16384 * Math.sin((2 * Math.PI * 1000 * n) / 16000)));
  const frame = clipFeatures(tone, MLPERF_AD).features.subarray(128 * 4, 128 * 5);
  const loudest = frame.indexOf(Math.max(...frame));
  // 1 kHz is FFT bin 64 (1024 points at 16 kHz); the loudest mel bin is the one weighting it most, or a neighbour.
  const weights = melWeights(MLPERF_AD)[64];
  const expected = weights.indexOf(Math.max(...weights));
  assert.ok(Math.abs(loudest - expected) <= 1, `loudest mel bin ${loudest}, expected about ${expected}`);
});

test('front-end parameters are checked', () => {
  const broken = (change: Partial<AudioFeatureConfig>) => () => clipFeatures(new Int16Array(16000), { ...MLPERF_KWS, ...change });
  throwsTinyqError(broken({ fftLength: 256 }), /FFT length 256 is shorter than the frame/);
  throwsTinyqError(broken({ upperHz: 9000 }), /within 0-8000 Hz/);
  throwsTinyqError(broken({ coefficients: 41 }), /41 MFCCs from 40 mel bins/);
});

const yesWav = path.join(sharedDir, 'data/yes_1000ms.wav');
const kwsCase = path.join(sharedConformanceDir, 'kws_ref_model');
if (fs.existsSync(yesWav) && fs.existsSync(kwsCase)) {
  test('MLPerf KWS MFCC of yes_1000ms.wav reproduces kws_ref_model/s1_in0.bin', () => {
    const spec = JSON.parse(fs.readFileSync(path.join(kwsCase, 'case.json'), 'utf8'));
    const input = { dtype: 'int8' as const, scale: spec.inputs[0].scale, zeroPoint: spec.inputs[0].zero_point };
    const expected = new Int8Array(readBytes(kwsCase, 's1_in0.bin').buffer);
    const { features } = clipFeatures(readWav(new Uint8Array(fs.readFileSync(yesWav))).channels[0], MLPERF_KWS);
    const { equal, withinOne, total } = agreement(quantize(features, input, MLPERF_KWS.rounding), expected);
    console.log(`  MFCC vs s1_in0.bin: ${equal}/${total} equal (${((100 * equal) / total).toFixed(2)}%), ${withinOne}/${total} within one step`);
    assert.ok(withinOne >= 0.99 * total, `${withinOne} of ${total} within one step`);
  });
} else {
  console.log(`sensors_audio: ${yesWav} or ${kwsCase} not found; skipping the shared MFCC test`);
}

test.run();
