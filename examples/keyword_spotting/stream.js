// Streaming keyword spotting: the shared WAVs played back to back as if from a microphone,
// pushed in 10 ms chunks; the model runs every 100 ms on the last second of MFCC frames, and
// TFLite Micro's smoothing rules turn the scores into detections.
//   node examples/keyword_spotting/stream.js [DATA_DIR]      (default ../shared/data)
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AudioFeatureStream, Interpreter, MLPERF_KWS, readWav, StreamingClassifier } from 'tinyq';

const dataDir = process.argv[2] ?? '../shared/data';
const labels = (await readFile(new URL('labels.txt', import.meta.url), 'utf8')).trim().split('\n');
const interpreter = await Interpreter.load(join(dataDir, '../models/kws_ref_model.tflite'));
const classifier = new StreamingClassifier(interpreter, new AudioFeatureStream(MLPERF_KWS, { windowStride: 5 }), {
  labels,
  recognizer: { averageWindowMs: 500, threshold: 0.6, suppressionMs: 1500, minimumCount: 2, ignore: ['silence', 'unknown'] },
});

const clips = ['silence', 'yes', 'silence', 'no', 'noise'];
console.log(`playing ${clips.join(', ')} (1 s each); windows every ${5 * 20} ms`);
let invokeMs = 0;
let windows = 0;
for (const clip of clips) {
  const { channels: [samples] } = readWav(new Uint8Array(await readFile(join(dataDir, `${clip}_1000ms.wav`))));
  for (let start = 0; start < samples.length; start += 160) {
    for (const result of classifier.push(samples.subarray(start, start + 160))) {
      invokeMs += result.invokeMs;
      windows++;
      // A window covers the second before its end; the first ends 1 s into the stream.
      const endMs = result.timeMs + 1000;
      if (result.recognition?.detected) console.log(`${(endMs / 1000).toFixed(2)} s  heard "${result.recognition.label}" (average score ${result.recognition.score.toFixed(2)})`);
    }
  }
}
console.log(`${windows} windows, ${(invokeMs / windows).toFixed(2)} ms per invoke on the ${interpreter.engine} engine`);
