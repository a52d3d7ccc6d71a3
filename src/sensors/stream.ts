// Streaming inference: samples pushed as they arrive go through a windowing front-end
// (AudioFeatureStream, SlidingWindow); each complete window is quantized, invoked and
// optionally smoothed by a CommandRecognizer.

import { TinyqError } from '../errors.js';
import type { Interpreter } from '../interpreter.js';
import { quantize, type Rounding } from '../quantize.js';
import { CommandRecognizer, type Recognition, type RecognizerOptions } from './recognize.js';

/** A front-end that turns pushed samples into complete model windows. */
export interface WindowSource {
  push(samples: ArrayLike<number>): Float32Array[];
  /** Milliseconds between two windows. */
  readonly stepMs: number;
  /** How the source's features are meant to be quantized (default `round`). */
  readonly rounding?: Rounding;
}

export interface StreamingOptions {
  /** Class names of the output (default: the class indices). */
  labels?: readonly string[];
  /** Output read as class scores (default 0). */
  output?: number;
  /** How window values are quantized (default: the source's, else `round`, TFLite's quantizer). */
  rounding?: Rounding;
  /** Smoothing of the scores into detections; omit for raw results only. */
  recognizer?: Omit<RecognizerOptions, 'labels'>;
}

export interface StreamResult {
  /** Time of the window since the first (window k at k * stepMs). */
  timeMs: number;
  /** Dequantized scores of this window. */
  scores: Float32Array;
  index: number;
  label: string;
  /** Wall time of invoke. */
  invokeMs: number;
  recognition?: Recognition;
}

export class StreamingClassifier {
  readonly labels: readonly string[];
  private readonly interpreter: Interpreter;
  private readonly source: WindowSource;
  private readonly output: number;
  private readonly rounding: Rounding;
  private readonly recognizer?: CommandRecognizer;
  private windows = 0;

  constructor(interpreter: Interpreter, source: WindowSource, options: StreamingOptions = {}) {
    this.interpreter = interpreter;
    this.source = source;
    this.output = options.output ?? 0;
    const info = interpreter.outputs[this.output];
    if (!info) throw new TinyqError('INVALID_ARGUMENT', `the model has no output ${this.output}`);
    const classes = info.shape.reduce((a, b) => a * b, 1);
    this.labels = options.labels ?? Array.from({ length: classes }, (_, i) => String(i));
    if (this.labels.length !== classes) throw new TinyqError('INVALID_ARGUMENT', `${this.labels.length} labels for an output of ${classes} classes`);
    this.rounding = options.rounding ?? source.rounding ?? 'round';
    if (options.recognizer) this.recognizer = new CommandRecognizer({ ...options.recognizer, labels: this.labels });
  }

  /** Feeds samples; invokes the model on each window they complete and returns the results in order. */
  push(samples: ArrayLike<number>): StreamResult[] {
    return this.source.push(samples).map((window) => this.classify(window));
  }

  private classify(window: Float32Array): StreamResult {
    const input = this.interpreter.inputs[0];
    this.interpreter.setInput(0, input.quantized ? quantize(window, input, this.rounding) : window);
    const start = performance.now();
    this.interpreter.invoke();
    const invokeMs = performance.now() - start;
    const scores = this.interpreter.output(this.output, 'float') as Float32Array;
    const index = scores.indexOf(Math.max(...scores));
    const timeMs = this.windows++ * this.source.stepMs;
    const result: StreamResult = { timeMs, scores, index, label: this.labels[index], invokeMs };
    if (this.recognizer) result.recognition = this.recognizer.process(scores, timeMs);
    return result;
  }
}
