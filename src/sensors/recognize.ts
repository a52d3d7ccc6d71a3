// Smoothing of a stream of classifier results into detections, with the rules of TensorFlow
// Lite Micro's command recognizer (micro_speech): average the scores of the last
// averageWindowMs, report a class when its average passes the threshold, and do not report
// the same class again within suppressionMs.

import { TinyqError } from '../errors.js';

export interface RecognizerOptions {
  labels: readonly string[];
  /** Results averaged: those of the last averageWindowMs (default 1000). */
  averageWindowMs?: number;
  /** Average score (0..1) a class must exceed to be detected (default 0.8; micro_speech uses 200 of 255). */
  threshold?: number;
  /** The same class is not reported again within this time (default 1500 ms). */
  suppressionMs?: number;
  /** Fewer results in the averaging window than this give no detection (default 3). */
  minimumCount?: number;
  /** Classes never reported (e.g. silence, unknown); one passing the threshold ends the suppression of a repeat. */
  ignore?: readonly string[];
}

export interface Recognition {
  timeMs: number;
  /** The class with the highest average score, and that average. */
  index: number;
  label: string;
  score: number;
  /** True when this result is a new detection (threshold passed, not suppressed). */
  detected: boolean;
}

export class CommandRecognizer {
  readonly labels: readonly string[];
  private readonly averageWindowMs: number;
  private readonly threshold: number;
  private readonly suppressionMs: number;
  private readonly minimumCount: number;
  private readonly ignored: Set<number>;
  private readonly history: { timeMs: number; scores: Float32Array }[] = [];
  private lastDetection?: { index: number; timeMs: number };

  constructor(options: RecognizerOptions) {
    this.labels = options.labels;
    this.averageWindowMs = options.averageWindowMs ?? 1000;
    this.threshold = options.threshold ?? 0.8;
    this.suppressionMs = options.suppressionMs ?? 1500;
    this.minimumCount = options.minimumCount ?? 3;
    this.ignored = new Set((options.ignore ?? []).map((label) => {
      const index = this.labels.indexOf(label);
      if (index < 0) throw new TinyqError('INVALID_ARGUMENT', `ignored label '${label}' is not one of the labels`);
      return index;
    }));
  }

  /** Adds the scores (0..1, one per label) of the result at timeMs and returns the smoothed recognition. */
  process(scores: ArrayLike<number>, timeMs: number): Recognition {
    if (scores.length !== this.labels.length) throw new TinyqError('INVALID_INPUT', `${scores.length} scores for ${this.labels.length} labels`);
    const latest = this.history.at(-1);
    if (latest && timeMs < latest.timeMs) throw new TinyqError('INVALID_INPUT', `results must arrive in time order; ${timeMs} ms came after ${latest.timeMs} ms`);
    this.history.push({ timeMs, scores: Float32Array.from(scores) });
    while (this.history[0].timeMs < timeMs - this.averageWindowMs) this.history.shift();

    const average = new Float32Array(this.labels.length);
    for (const result of this.history) result.scores.forEach((score, i) => (average[i] += score / this.history.length));
    const index = average.indexOf(Math.max(...average));
    const recognition = { timeMs, index, label: this.labels[index], score: average[index], detected: false };
    if (this.history.length < this.minimumCount || recognition.score <= this.threshold) return recognition;
    if (this.ignored.has(index)) {
      // Like micro_speech after "silence": the next command is new even if it repeats the last one.
      this.lastDetection = undefined;
      return recognition;
    }

    const previous = this.lastDetection;
    const suppressed = previous !== undefined && previous.index === index && timeMs - previous.timeMs <= this.suppressionMs;
    if (!suppressed) this.lastDetection = { index, timeMs };
    return { ...recognition, detected: !suppressed };
  }

  reset(): void {
    this.history.length = 0;
    this.lastDetection = undefined;
  }
}
