// Sensor recordings (image, WAV or CSV files) to model inputs, shaped and quantized from the
// input tensor's spec: what `tinyq run --image/--wav/--csv` feeds the model.

import { TinyqError } from '../errors.js';
import type { TensorInfo } from '../interpreter.js';
import { quantize, type QuantizedArray, type Rounding } from '../quantize.js';
import { audioConfigFor, AudioFrontEnd, clipFeatures, featureWindows } from './audio.js';
import { imageToInput } from './image.js';
import { decodeImage } from './image_file.js';
import { parseCsv, SlidingWindow, timeSeriesShape } from './timeseries.js';
import { readWav } from './wav.js';

export type SensorKind = 'image' | 'wav' | 'csv';

export interface SensorInput {
  /** Where the window comes from: the file name, with a time or row range when a file gives several. */
  name: string;
  /** The input tensor's values, ready for Interpreter.setInput. */
  values: QuantizedArray | Float32Array;
  /** The real values before quantization (features or samples); absent for images. */
  real?: Float32Array;
}

/** The model inputs one recording gives: one per image, one per audio clip or feature window, one per CSV window. */
export async function sensorInputs(kind: SensorKind, bytes: Uint8Array, name: string, info: TensorInfo): Promise<SensorInput[]> {
  switch (kind) {
    case 'image': return [{ name, values: imageToInput(await decodeImage(bytes), info) }];
    case 'wav': return audioInputs(bytes, name, info);
    case 'csv': return csvInputs(new TextDecoder().decode(bytes), name, info);
  }
}

function quantizeFor(info: TensorInfo, real: Float32Array, rounding: Rounding): QuantizedArray | Float32Array {
  if (info.quantized) return quantize(real, info, rounding);
  if (info.dtype === 'float32') return real;
  throw new TinyqError('INVALID_INPUT', `input ${info.name} is ${info.dtype} without quantization; sensor data needs a float32 or quantized input`);
}

/**
 * Audio with the front-end whose window has the input's shape. A front-end with a clip length
 * (KWS: 1 s) takes consecutive clips (the last zero-padded); one without (AD) slides its
 * window one frame at a time over the whole recording.
 */
function audioInputs(bytes: Uint8Array, name: string, info: TensorInfo): SensorInput[] {
  const config = audioConfigFor(info);
  const wav = readWav(bytes);
  if (wav.sampleRate !== config.sampleRate) {
    throw new TinyqError('INVALID_INPUT', `${name} is sampled at ${wav.sampleRate} Hz; the ${config.name} front-end takes ${config.sampleRate} Hz (resample it first)`);
  }
  if (wav.channels.length > 1) throw new TinyqError('INVALID_INPUT', `${name} has ${wav.channels.length} channels; the audio front-end takes mono recordings`);
  const samples = wav.channels[0];
  const frontEnd = new AudioFrontEnd(config);
  const inputs = (real: Float32Array, suffix: string): SensorInput => ({ name: `${name}${suffix}`, values: quantizeFor(info, real, config.rounding), real });
  if (config.clipSamples === undefined) {
    const windows = featureWindows(clipFeatures(samples, config, frontEnd), config);
    if (windows.length === 0) throw new TinyqError('INVALID_INPUT', `${name} is too short for one ${config.windowFrames}-frame window of ${config.name}`);
    return windows.map((window, k) => inputs(window, windows.length > 1 ? ` frames ${k}-${k + config.windowFrames - 1}` : ''));
  }
  const clipSamples = config.clipSamples;
  const clips = Math.max(1, Math.ceil(samples.length / clipSamples));
  return Array.from({ length: clips }, (_, k) => {
    const clip = samples.subarray(k * clipSamples, (k + 1) * clipSamples);
    const [window] = featureWindows(clipFeatures(clip, config, frontEnd), config);
    return inputs(window, clips > 1 ? ` @${(k * clipSamples) / config.sampleRate}s` : '');
  });
}

/** Consecutive windows of the input's length over the recording's rows (leftover rows are dropped). */
function csvInputs(text: string, name: string, info: TensorInfo): SensorInput[] {
  const recording = parseCsv(text);
  const { length, axes } = timeSeriesShape(info, recording.axes);
  const rows = recording.values.length / axes;
  if (rows < length) throw new TinyqError('INVALID_INPUT', `${name} has ${rows} rows; input ${info.name} takes windows of ${length}`);
  const windows = new SlidingWindow({ length, axes }).push(recording.values);
  return windows.map((real, k) => ({
    name: windows.length > 1 ? `${name} rows ${k * length + 1}-${(k + 1) * length}` : name,
    values: quantizeFor(info, real, 'round'),
    real,
  }));
}
