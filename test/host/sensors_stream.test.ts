// Time series windows, CSV recordings, the command recognizer's smoothing rules, and streaming
// classification (the KWS model over a stream of the shared WAVs where ../shared is present).

import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  AudioFeatureStream, CommandRecognizer, Interpreter, MLPERF_KWS, parseCsv, readWav, RingBuffer, scaleAxes, SlidingWindow, StreamingClassifier,
  timeSeriesShape, type TensorInfo,
} from '../../src/index.js';
import { repoRoot, sharedDir } from '../conformance.js';
import { throwsTinyqError } from '../tinyq_error.js';

const tensor = (shape: number[]): TensorInfo => ({ index: 0, name: 'x', dtype: 'int8', shape, scale: 1, zeroPoint: 0, quantized: true, bytes: 0 });

test('ring buffer keeps the newest samples, oldest first', () => {
  const ring = new RingBuffer(3, 2);
  ring.push([1, 10]);
  ring.push([2, 20]);
  assert.equal([...ring.toArray()], [1, 10, 2, 20]);
  assert.not.ok(ring.full);
  ring.push([3, 30]);
  ring.push([4, 40]);
  assert.ok(ring.full);
  assert.equal([...ring.toArray()], [2, 20, 3, 30, 4, 40]);
  throwsTinyqError(() => ring.push([1]), /2 axes; got 1/);
});

test('sliding windows: length, stride and per-axis scaling across pushes', () => {
  const windows = new SlidingWindow({ length: 3, axes: 2, stride: 2, sampleRate: 50, scaling: { offset: [0, 100], scale: [2, 1] } });
  assert.is(windows.stepMs, 40);
  const rows = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => [from + i, 100 + from + i]).flat();
  assert.equal(windows.push(rows(0, 2)), []);
  // Sample i scales to [2i, i]; windows end at samples 3, 5, 7, 9, whatever the pushes' sizes.
  assert.equal(windows.push(rows(2, 5)).map((w) => [...w]), [[0, 0, 2, 1, 4, 2], [4, 2, 6, 3, 8, 4]]);
  assert.equal(windows.push(rows(5, 9)).map((w) => [...w]), [[8, 4, 10, 5, 12, 6], [12, 6, 14, 7, 16, 8]]);
  throwsTinyqError(() => windows.push([1, 2, 3]), /not whole samples of 2 axes/);
  assert.equal([...scaleAxes(Float32Array.from([1, 2, 3, 4]), 2, { scale: [10, 100] })], [10, 200, 30, 400]);
});

test('time series shapes: [1,T,A], [1,T,A,1], and flat [1,T*A] with the axis count', () => {
  assert.equal(timeSeriesShape(tensor([1, 64, 3])), { length: 64, axes: 3 });
  assert.equal(timeSeriesShape(tensor([1, 64, 3, 1])), { length: 64, axes: 3 });
  assert.equal(timeSeriesShape(tensor([1, 192]), 3), { length: 64, axes: 3 });
  throwsTinyqError(() => timeSeriesShape(tensor([1, 64, 3]), 6), /with 6 axes per sample/);
  throwsTinyqError(() => timeSeriesShape(tensor([1, 190]), 3), /does not take windows/);
});

test('CSV: header, separators, comments; ragged and non-numeric rows are named', () => {
  const csv = parseCsv('ax,ay,az\n# comment\n1,2,3\n\n4;5;6\r\n7\t8\t9.5\n');
  assert.equal(csv.columns, ['ax', 'ay', 'az']);
  assert.is(csv.axes, 3);
  assert.equal([...csv.values], [1, 2, 3, 4, 5, 6, 7, 8, 9.5]);
  assert.is(parseCsv('1,2\n3,4').columns, undefined);
  throwsTinyqError(() => parseCsv('1,2\n3\n'), /data row 2 has 1 values/);
  throwsTinyqError(() => parseCsv('1,2\n3,x\n'), /data row 2 has a value that is not a number/);
  throwsTinyqError(() => parseCsv('a,b\n'), /no rows of numbers/);
});

const LABELS = ['silence', 'yes', 'no'];
const scores = (silence: number, yes: number, no: number) => [silence, yes, no];

test('recognizer: averages the window, needs the minimum count, and passes the threshold', () => {
  const recognizer = new CommandRecognizer({ labels: LABELS, averageWindowMs: 1000, threshold: 0.7, minimumCount: 3 });
  assert.not.ok(recognizer.process(scores(0, 1, 0), 0).detected, 'one result is too few');
  assert.not.ok(recognizer.process(scores(0, 1, 0), 100).detected);
  const third = recognizer.process(scores(0, 0.5, 0.5), 200);
  assert.equal([third.label, third.detected], ['yes', true]);
  assert.ok(Math.abs(third.score - 2.5 / 3) < 1e-6);
  // Results older than the averaging window drop out: at 1100 ms the 0 ms result is gone and
  // yes and no tie at 0.5; at 1150 ms only 200, 1100 and 1150 remain and no averages 0.83.
  assert.not.ok(recognizer.process(scores(0, 0, 1), 1100).detected);
  const no = recognizer.process(scores(0, 0, 1), 1150);
  assert.equal([no.label, no.detected], ['no', true]);
  assert.ok(Math.abs(no.score - 2.5 / 3) < 1e-6);
});

test('recognizer: suppresses a repeat within suppressionMs; an ignored class ends the suppression', () => {
  const options = { labels: LABELS, averageWindowMs: 100, threshold: 0.7, minimumCount: 1, suppressionMs: 1000 };
  const recognizer = new CommandRecognizer(options);
  assert.ok(recognizer.process(scores(0, 1, 0), 0).detected);
  assert.not.ok(recognizer.process(scores(0, 1, 0), 500).detected, 'a repeat within 1000 ms');
  assert.ok(recognizer.process(scores(0, 1, 0), 1001).detected, 'after the suppression time');
  const ignoring = new CommandRecognizer({ ...options, ignore: ['silence'] });
  assert.ok(ignoring.process(scores(0, 1, 0), 0).detected);
  const silence = ignoring.process(scores(1, 0, 0), 300);
  assert.equal([silence.label, silence.detected], ['silence', false]);
  assert.ok(ignoring.process(scores(0, 1, 0), 600).detected, 'yes after silence is new');
  throwsTinyqError(() => ignoring.process(scores(0, 1, 0), 599), /time order/);
  throwsTinyqError(() => ignoring.process([1, 0], 700), /2 scores for 3 labels/);
  throwsTinyqError(() => new CommandRecognizer({ ...options, ignore: ['maybe'] }), /'maybe' is not one of the labels/);
});

test('streaming gestures: sliding windows of the recording, sample by sample, classify each gesture', async () => {
  const example = path.join(repoRoot, 'examples/gesture');
  const labels = fs.readFileSync(path.join(example, 'labels.txt'), 'utf8').trim().split('\n');
  const recording = parseCsv(fs.readFileSync(path.join(example, 'recording.csv'), 'utf8'));
  const interpreter = await Interpreter.load(path.join(example, 'model.tflite'));
  // The recording in raw counts of a +-2 g sensor (16384 per g), scaled back to g per axis.
  const counts = recording.values.map((g) => Math.round(g * 16384));
  const windows = new SlidingWindow({ length: 64, axes: 3, stride: 32, sampleRate: 50, scaling: { scale: [1 / 16384, 1 / 16384, 1 / 16384] } });
  const classifier = new StreamingClassifier(interpreter, windows, { labels });
  const results = [];
  for (let i = 0; i < counts.length; i += 3) results.push(...classifier.push(counts.subarray(i, i + 3)));
  assert.is(results.length, 7);
  assert.equal(results.map((result) => result.timeMs), [0, 640, 1280, 1920, 2560, 3200, 3840]);
  // Windows 0, 2, 4, 6 hold one whole gesture each, in the order of labels.txt.
  assert.equal([0, 2, 4, 6].map((k) => results[k].label), labels);
});

const dataDir = path.join(sharedDir, 'data');
const kwsModel = path.join(sharedDir, 'models/kws_ref_model.tflite');
if (fs.existsSync(dataDir) && fs.existsSync(kwsModel)) {
  test('streaming KWS over silence, yes, silence, no: detects yes once, smoothing included', async () => {
    const labels = ['down', 'go', 'left', 'no', 'off', 'on', 'right', 'stop', 'up', 'yes', 'silence', 'unknown'];
    const wav = (name: string) => readWav(new Uint8Array(fs.readFileSync(path.join(dataDir, `${name}_1000ms.wav`)))).channels[0];
    const recording = [wav('silence'), wav('yes'), wav('silence'), wav('no')];
    const interpreter = await Interpreter.load(kwsModel);
    const classifier = new StreamingClassifier(interpreter, new AudioFeatureStream(MLPERF_KWS, { windowStride: 5 }), {
      labels,
      recognizer: { averageWindowMs: 500, threshold: 0.6, suppressionMs: 1500, minimumCount: 2, ignore: ['silence', 'unknown'] },
    });
    const results = [];
    // 10 ms chunks, as an audio driver delivers them.
    for (const clip of recording) for (let start = 0; start < clip.length; start += 160) results.push(...classifier.push(clip.subarray(start, start + 160)));
    assert.is(results.length, 1 + Math.floor((4 * 16000 - 16000) / (5 * 320)));
    assert.is(results[1].timeMs - results[0].timeMs, 100);
    const detections = results.filter((result) => result.recognition?.detected).map((result) => result.recognition!.label);
    console.log(`  streaming detections: ${detections.join(', ')}`);
    assert.is(detections.filter((label) => label === 'yes').length, 1);
    // The window that holds exactly the yes clip answers yes with the clip's score.
    const aligned = results.find((result) => result.timeMs === 1000)!;
    assert.is(aligned.label, 'yes');
  });
} else {
  console.log(`sensors_stream: ${dataDir} or ${kwsModel} not found; skipping the streaming KWS test`);
}

test.run();
