// Audio front-end: PCM samples to log-mel or MFCC feature frames, for whole clips and for
// streams (samples pushed as they arrive, frames overlapping by frameLength - frameStep).

import { TinyqError } from '../errors.js';
import type { TensorInfo } from '../interpreter.js';
import type { Rounding } from '../quantize.js';
import { Fft } from './fft.js';

export interface AudioFeatureConfig {
  name: string;
  sampleRate: number;
  /** Samples per frame (each weighted by a periodic Hann window) and between frame starts. */
  frameLength: number;
  frameStep: number;
  /** Power of two >= frameLength; frames are zero-padded to it. */
  fftLength: number;
  /** |X| or |X|^2 of the FFT bins. */
  spectrum: 'magnitude' | 'power';
  /**
   * `tensorflow`: tf.signal.linear_to_mel_weight_matrix (HTK mel scale 1127 ln(1 + f/700),
   * triangles linear in mel with peak 1, the DC bin zeroed). `librosa`: librosa.filters.mel
   * (Slaney's mel scale, linear below 1 kHz, triangles linear in Hz, area-normalised).
   */
  filterbank: 'tensorflow' | 'librosa';
  melBins: number;
  lowerHz: number;
  upperHz: number;
  /** Each feature is logMultiplier * ln(mel + logOffset). */
  logMultiplier: number;
  logOffset: number;
  /** MFCCs: the first `coefficients` of TensorFlow's DCT-II of the log-mel frame; absent for log-mel features. */
  coefficients?: number;
  /** Samples are divided by the largest sample (`peak`, per clip or stream window) or by 32768 (`full-scale`). */
  gain: 'peak' | 'full-scale';
  /** Clips are padded at both ends with frameLength / 2 mirrored samples, so frame t is centered on sample t * frameStep. */
  center: boolean;
  /** Clips are zero-padded or cut to this many samples. */
  clipSamples?: number;
  /** Frames per model input, which is frame-major (windowFrames x features). */
  windowFrames: number;
  /** How the features are quantized to the model's input. */
  rounding: Rounding;
}

/**
 * MLPerf Tiny keyword spotting (kws_ref_model): one second at 16 kHz divided by its largest
 * sample; 30 ms frames every 20 ms, FFT 512, magnitude, 40 mel bins over 20-4000 Hz,
 * ln(mel + 1e-6), 10 MFCCs -> 49x10, quantized as trunc(x / scale + zero point).
 */
export const MLPERF_KWS: Readonly<AudioFeatureConfig> = Object.freeze({
  name: 'MLPerf Tiny KWS MFCC',
  sampleRate: 16000,
  frameLength: 480,
  frameStep: 320,
  fftLength: 512,
  spectrum: 'magnitude',
  filterbank: 'tensorflow',
  melBins: 40,
  lowerHz: 20,
  upperHz: 4000,
  logMultiplier: 1,
  logOffset: 1e-6,
  coefficients: 10,
  gain: 'peak',
  center: false,
  clipSamples: 16000,
  windowFrames: 49,
  rounding: 'truncate',
});

/**
 * MLPerf Tiny anomaly detection (ad01, the DCASE 2020 task 2 baseline): samples / 32768,
 * librosa.feature.melspectrogram with n_fft 1024, hop 512, 128 mel bins, power 2, centered
 * frames; 10 log10(mel + float64 epsilon); five consecutive frames per input (640 values).
 */
export const MLPERF_AD: Readonly<AudioFeatureConfig> = Object.freeze({
  name: 'MLPerf Tiny AD log-mel',
  sampleRate: 16000,
  frameLength: 1024,
  frameStep: 512,
  fftLength: 1024,
  spectrum: 'power',
  filterbank: 'librosa',
  melBins: 128,
  lowerHz: 0,
  upperHz: 8000,
  logMultiplier: 10 / Math.LN10,
  logOffset: 2.220446049250313e-16,
  gain: 'full-scale',
  center: true,
  windowFrames: 5,
  rounding: 'round',
});

export const AUDIO_PRESETS: readonly Readonly<AudioFeatureConfig>[] = [MLPERF_KWS, MLPERF_AD];

/** Values per feature frame: the MFCCs, or the mel bins. */
export const featureSize = (config: AudioFeatureConfig) => config.coefficients ?? config.melBins;

/** The preset whose window (windowFrames x features) has the input's shape, leading and trailing 1s aside. */
export function audioConfigFor(info: TensorInfo): Readonly<AudioFeatureConfig> {
  const dims = info.shape.slice(1).filter((dim, axis, rest) => !(dim === 1 && axis === rest.length - 1));
  const matches = (config: AudioFeatureConfig) => {
    const size = featureSize(config);
    return dims.length === 2 ? dims[0] === config.windowFrames && dims[1] === size : dims.length === 1 && dims[0] === config.windowFrames * size;
  };
  const config = AUDIO_PRESETS.find(matches);
  if (config) return config;
  const known = AUDIO_PRESETS.map((preset) => `${preset.name} (${preset.windowFrames}x${featureSize(preset)})`).join(', ');
  throw new TinyqError('INVALID_INPUT', `no audio front-end makes input ${info.name} of shape [${info.shape}]; the front-ends are ${known}`);
}

/** Weights of one mel bin over the FFT bins it covers. */
interface MelBand {
  firstBin: number;
  weights: Float64Array;
}

const htkMel = (hertz: number) => 1127 * Math.log(1 + hertz / 700);

// Slaney's Auditory Toolbox scale: linear (3 mel per 200 Hz) below 1 kHz, logarithmic above.
const SLANEY_LINEAR_HZ = 200 / 3;
const SLANEY_BREAK_HZ = 1000;
const SLANEY_BREAK_MEL = SLANEY_BREAK_HZ / SLANEY_LINEAR_HZ;
const SLANEY_LOG_STEP = Math.log(6.4) / 27;
const slaneyMel = (hertz: number) => (hertz < SLANEY_BREAK_HZ ? hertz / SLANEY_LINEAR_HZ : SLANEY_BREAK_MEL + Math.log(hertz / SLANEY_BREAK_HZ) / SLANEY_LOG_STEP);
const slaneyHertz = (mel: number) => (mel < SLANEY_BREAK_MEL ? mel * SLANEY_LINEAR_HZ : SLANEY_BREAK_HZ * Math.exp((mel - SLANEY_BREAK_MEL) * SLANEY_LOG_STEP));

/** The filterbank as a dense [spectrum bins][mel bins] matrix (see AudioFeatureConfig.filterbank). */
export function melWeights(config: AudioFeatureConfig): Float64Array[] {
  const bins = config.fftLength / 2 + 1;
  const nyquist = config.sampleRate / 2;
  if (!(config.lowerHz >= 0 && config.lowerHz < config.upperHz && config.upperHz <= nyquist)) {
    throw new TinyqError('INVALID_ARGUMENT', `mel range ${config.lowerHz}-${config.upperHz} Hz must be increasing and within 0-${nyquist} Hz`);
  }
  const count = config.melBins;
  const matrix = Array.from({ length: bins }, () => new Float64Array(count));
  const toMel = config.filterbank === 'tensorflow' ? htkMel : slaneyMel;
  const lowMel = toMel(config.lowerHz);
  const edgesMel = Array.from({ length: count + 2 }, (_, i) => lowMel + (i * (toMel(config.upperHz) - lowMel)) / (count + 1));
  if (config.filterbank === 'tensorflow') {
    // Bin 0 (DC) stays zero; the triangles are linear in mel.
    for (let k = 1; k < bins; k++) {
      const mel = htkMel((k * nyquist) / (bins - 1));
      for (let m = 0; m < count; m++) {
        const rising = (mel - edgesMel[m]) / (edgesMel[m + 1] - edgesMel[m]);
        const falling = (edgesMel[m + 2] - mel) / (edgesMel[m + 2] - edgesMel[m + 1]);
        matrix[k][m] = Math.max(0, Math.min(rising, falling));
      }
    }
  } else {
    // Triangles linear in Hz between mel-spaced edges, scaled to unit area (librosa's norm='slaney').
    const edgesHz = edgesMel.map(slaneyHertz);
    for (let k = 0; k < bins; k++) {
      const hertz = (k * config.sampleRate) / config.fftLength;
      for (let m = 0; m < count; m++) {
        const rising = (hertz - edgesHz[m]) / (edgesHz[m + 1] - edgesHz[m]);
        const falling = (edgesHz[m + 2] - hertz) / (edgesHz[m + 2] - edgesHz[m + 1]);
        matrix[k][m] = (Math.max(0, Math.min(rising, falling)) * 2) / (edgesHz[m + 2] - edgesHz[m]);
      }
    }
  }
  return matrix;
}

/**
 * TensorFlow's MFCC transform as a [coefficient][mel bin] matrix: the unnormalised DCT-II
 * (2 sum x_n cos(pi k (2n + 1) / 2N)) times 1 / sqrt(2N), i.e. sqrt(2/N) for every
 * coefficient (TF does not apply the orthonormal 1/sqrt(2) to coefficient 0).
 */
export function dctMatrix(coefficients: number, melBins: number): Float64Array[] {
  const scale = Math.sqrt(2 / melBins);
  return Array.from({ length: coefficients }, (_, k) => Float64Array.from({ length: melBins }, (_, n) => scale * Math.cos((Math.PI * k * (2 * n + 1)) / (2 * melBins))));
}

/** Frame-level feature extraction: samples -> mel energies, and mel energies -> log-mel or MFCC. */
export class AudioFrontEnd {
  readonly config: Readonly<AudioFeatureConfig>;
  readonly featureSize: number;
  private readonly window: Float64Array;
  private readonly fft: Fft;
  private readonly bands: MelBand[];
  private readonly dct?: Float64Array[];
  private readonly frame: Float64Array;
  private readonly spectrum: Float64Array;
  private readonly logMel: Float64Array;

  constructor(config: Readonly<AudioFeatureConfig>) {
    const positive = (value: number) => Number.isInteger(value) && value > 0;
    if (!(positive(config.frameLength) && positive(config.frameStep) && positive(config.melBins) && positive(config.windowFrames) && config.sampleRate > 0)) {
      throw new TinyqError('INVALID_ARGUMENT', `${config.name}: frame length, frame step, mel bins and window frames must be positive integers`);
    }
    if (config.fftLength < config.frameLength) throw new TinyqError('INVALID_ARGUMENT', `${config.name}: FFT length ${config.fftLength} is shorter than the frame (${config.frameLength})`);
    if (config.coefficients !== undefined && !(positive(config.coefficients) && config.coefficients <= config.melBins)) {
      throw new TinyqError('INVALID_ARGUMENT', `${config.name}: ${config.coefficients} MFCCs from ${config.melBins} mel bins`);
    }
    this.config = config;
    this.featureSize = featureSize(config);
    this.fft = new Fft(config.fftLength);
    this.window = Float64Array.from({ length: config.frameLength }, (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / config.frameLength));
    const matrix = melWeights(config);
    this.bands = Array.from({ length: config.melBins }, (_, m) => {
      const covered = matrix.map((row, k) => (row[m] > 0 ? k : -1)).filter((k) => k >= 0);
      const firstBin = covered.length > 0 ? covered[0] : 0;
      const lastBin = covered.length > 0 ? covered[covered.length - 1] : -1;
      return { firstBin, weights: Float64Array.from({ length: lastBin - firstBin + 1 }, (_, i) => matrix[firstBin + i][m]) };
    });
    if (config.coefficients !== undefined) this.dct = dctMatrix(config.coefficients, config.melBins);
    this.frame = new Float64Array(config.frameLength);
    this.spectrum = new Float64Array(config.fftLength / 2 + 1);
    this.logMel = new Float64Array(config.melBins);
  }

  /** Mel energies of the frame samples[start .. start + frameLength) into `mel` (melBins values). */
  melFrame(samples: ArrayLike<number>, start: number, mel: Float64Array): void {
    const { frame, window, spectrum } = this;
    for (let n = 0; n < frame.length; n++) frame[n] = samples[start + n] * window[n];
    this.fft.spectrum(frame, spectrum, this.config.spectrum);
    for (const [m, band] of this.bands.entries()) {
      let sum = 0;
      for (let i = 0; i < band.weights.length; i++) sum += band.weights[i] * spectrum[band.firstBin + i];
      mel[m] = sum;
    }
  }

  /**
   * The features of one frame into out[offset ..]: the log of the mel energies of the samples
   * scaled by `gain` (a scaled signal scales magnitudes by gain and power by gain^2), then the DCT.
   */
  features(mel: Float64Array, gain: number, out: Float32Array, offset: number): void {
    const { logMultiplier, logOffset } = this.config;
    const melGain = this.config.spectrum === 'power' ? gain * gain : gain;
    const logMel = this.logMel;
    for (let m = 0; m < mel.length; m++) logMel[m] = logMultiplier * Math.log(melGain * mel[m] + logOffset);
    if (!this.dct) {
      out.set(logMel, offset);
      return;
    }
    for (const [k, row] of this.dct.entries()) {
      let sum = 0;
      for (let n = 0; n < row.length; n++) sum += row[n] * logMel[n];
      out[offset + k] = sum;
    }
  }
}

/** The largest sample value (MLPerf KWS divides by tf.reduce_max, not by the largest magnitude). */
function largest(samples: ArrayLike<number>): number {
  let peak = -Infinity;
  for (let i = 0; i < samples.length; i++) if (samples[i] > peak) peak = samples[i];
  return peak;
}

/** The gain that divides by `peak`; a signal without a positive sample is left as is. */
const peakGain = (peak: number) => (peak > 0 ? 1 / peak : 1);

const FULL_SCALE = 32768;

export interface ClipFeatures {
  frames: number;
  /** frames x featureSize values, frame-major. */
  features: Float32Array;
}

/**
 * Features of a whole clip of 16-bit PCM sample values (mono, at config.sampleRate): padded
 * or cut to clipSamples, centered, and divided by its peak or by full scale as configured.
 */
export function clipFeatures(samples: ArrayLike<number>, config: Readonly<AudioFeatureConfig>, frontEnd = new AudioFrontEnd(config)): ClipFeatures {
  let clip = new Float64Array(config.clipSamples ?? samples.length);
  for (let i = 0; i < Math.min(clip.length, samples.length); i++) clip[i] = samples[i];
  const gain = config.gain === 'peak' ? peakGain(largest(clip)) : 1 / FULL_SCALE;
  if (config.center) clip = reflectPad(clip, config.frameLength >> 1);
  const frames = clip.length < config.frameLength ? 0 : 1 + Math.floor((clip.length - config.frameLength) / config.frameStep);
  const features = new Float32Array(frames * frontEnd.featureSize);
  const mel = new Float64Array(config.melBins);
  for (let t = 0; t < frames; t++) {
    frontEnd.melFrame(clip, t * config.frameStep, mel);
    frontEnd.features(mel, gain, features, t * frontEnd.featureSize);
  }
  return { frames, features };
}

/** `padding` mirrored samples at each end, not repeating the edge sample (numpy's 'reflect'). */
function reflectPad(samples: Float64Array, padding: number): Float64Array<ArrayBuffer> {
  if (samples.length <= padding) throw new TinyqError('INVALID_INPUT', `a clip of ${samples.length} samples is too short to center frames of ${2 * padding}`);
  const padded = new Float64Array(samples.length + 2 * padding);
  padded.set(samples, padding);
  for (let i = 1; i <= padding; i++) {
    padded[padding - i] = samples[i];
    padded[padding + samples.length - 1 + i] = samples[samples.length - 1 - i];
  }
  return padded;
}

/** Model inputs from clip features: every run of windowFrames consecutive frames, `stride` frames apart. */
export function featureWindows({ frames, features }: ClipFeatures, config: Readonly<AudioFeatureConfig>, stride = 1): Float32Array[] {
  const size = featureSize(config);
  const windows: Float32Array[] = [];
  for (let start = 0; start + config.windowFrames <= frames; start += stride) {
    windows.push(features.slice(start * size, (start + config.windowFrames) * size));
  }
  return windows;
}

export interface AudioStreamOptions {
  /** Frames between two windows (default 1: a window after every new frame once the first is full). */
  windowStride?: number;
}

/**
 * Streaming features: push 16-bit PCM sample values as they arrive and receive each model
 * window (windowFrames x features) as soon as it is complete. Each frame's FFT and mel
 * energies are computed once; the log and DCT are applied per window, so a `peak` gain is
 * the peak of the samples that window's frames cover, like a clip of that span. Frames are
 * not centered (a stream has no end to mirror).
 */
export class AudioFeatureStream {
  readonly config: Readonly<AudioFeatureConfig>;
  readonly windowStride: number;
  private readonly frontEnd: AudioFrontEnd;
  private readonly pending: Float64Array;
  private pendingCount = 0;
  /** Samples still to drop before the next frame starts (frameStep > frameLength leaves gaps). */
  private skip = 0;
  /** The last windowFrames frames' mel energies and sample peaks, as rings. */
  private readonly mels: Float64Array[];
  private readonly peaks: Float64Array;
  private framesSeen = 0;

  constructor(config: Readonly<AudioFeatureConfig>, options: AudioStreamOptions = {}) {
    this.config = config;
    this.windowStride = options.windowStride ?? 1;
    if (!(Number.isInteger(this.windowStride) && this.windowStride > 0)) throw new TinyqError('INVALID_ARGUMENT', `windowStride must be a positive integer; got ${this.windowStride}`);
    this.frontEnd = new AudioFrontEnd(config);
    this.pending = new Float64Array(config.frameLength);
    this.mels = Array.from({ length: config.windowFrames }, () => new Float64Array(config.melBins));
    this.peaks = new Float64Array(config.windowFrames);
  }

  /** Milliseconds between two windows. */
  get stepMs(): number {
    return (this.windowStride * this.config.frameStep * 1000) / this.config.sampleRate;
  }

  /** How these features are quantized to the model's input. */
  get rounding(): Rounding {
    return this.config.rounding;
  }

  /** Frames computed since the start (or the last reset). */
  get frames(): number {
    return this.framesSeen;
  }

  /** Feeds samples; returns the windows they completed, oldest first. */
  push(samples: ArrayLike<number>): Float32Array[] {
    const { frameLength, frameStep, windowFrames } = this.config;
    const windows: Float32Array[] = [];
    for (let i = 0; i < samples.length; i++) {
      if (this.skip > 0) {
        this.skip--;
        continue;
      }
      this.pending[this.pendingCount++] = samples[i];
      if (this.pendingCount < frameLength) continue;
      const slot = this.framesSeen % windowFrames;
      this.frontEnd.melFrame(this.pending, 0, this.mels[slot]);
      this.peaks[slot] = largest(this.pending);
      this.framesSeen++;
      // Keep the overlap (the last frameLength - frameStep samples) for the next frame.
      this.pending.copyWithin(0, Math.min(frameStep, frameLength));
      this.pendingCount = Math.max(0, frameLength - frameStep);
      this.skip = Math.max(0, frameStep - frameLength);
      if (this.framesSeen >= windowFrames && (this.framesSeen - windowFrames) % this.windowStride === 0) windows.push(this.window());
    }
    return windows;
  }

  reset(): void {
    this.pendingCount = 0;
    this.skip = 0;
    this.framesSeen = 0;
  }

  private window(): Float32Array {
    const { windowFrames } = this.config;
    const size = this.frontEnd.featureSize;
    const gain = this.config.gain === 'peak' ? peakGain(largest(this.peaks)) : 1 / FULL_SCALE;
    const out = new Float32Array(windowFrames * size);
    for (let t = 0; t < windowFrames; t++) this.frontEnd.features(this.mels[(this.framesSeen + t) % windowFrames], gain, out, t * size);
    return out;
  }
}
