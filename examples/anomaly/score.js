// Anomaly detection with MLPerf Tiny's ToyCar autoencoder (ad01_int8.tflite): log-mel windows
// of synthetic machine recordings, scored by their reconstruction error.
//   node examples/anomaly/score.js [--save DIR]     (DIR gets the recordings as WAV files)
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeWav, Interpreter, reconstructionError, sensorInputs } from 'tinyq';
import { machineSound, SAMPLE_RATE } from './machine.js';

const saveIndex = process.argv.indexOf('--save');
const saveDir = saveIndex > 0 ? process.argv[saveIndex + 1] : undefined;
const interpreter = await Interpreter.load('../shared/models/ad01_int8.tflite');
const recordings = [['normal', 1], ['normal', 2], ['normal', 3], ['bearing', 4], ['rub', 5]];

if (saveDir) await mkdir(saveDir, { recursive: true });
const scores = [];
for (const [kind, seed] of recordings) {
  const name = `${kind}_${seed}.wav`;
  const wav = encodeWav({ sampleRate: SAMPLE_RATE, channels: [machineSound(kind, seed)] });
  if (saveDir) await writeFile(join(saveDir, name), wav);
  // The same path as `tinyq run ad01_int8.tflite --wav FILE`: 5x128 log-mel windows sliding by one frame.
  const windows = await sensorInputs('wav', wav, name, interpreter.inputs[0]);
  const { score, invokeMs } = reconstructionError(interpreter, windows);
  scores.push({ name, kind, score, windows: windows.length, invokeMs });
}

// A threshold from the normal recordings alone, as a deployment would set it.
const normal = scores.filter((entry) => entry.kind === 'normal').map((entry) => entry.score);
const threshold = 1.25 * Math.max(...normal);
for (const { name, score, windows, invokeMs } of scores) {
  const verdict = score > threshold ? 'ANOMALY' : 'normal';
  console.log(`${name.padEnd(14)} score ${score.toFixed(2).padStart(6)}  ${verdict.padEnd(7)}  (${windows} windows, ${(invokeMs / windows).toFixed(3)} ms each)`);
}
console.log(`threshold ${threshold.toFixed(2)} (1.25 x the highest normal score)`);
