// `tinyq run --image / --wav / --csv` as a user runs it: recordings shaped and quantized from
// the model's input spec. The digits model and the gesture example run everywhere; the
// published models run on the shared sample data where ../shared is present.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pngjs from 'pngjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SHARED = join(ROOT, '..', 'shared');
const DIGITS = 'examples/digits/model.tflite';

function tinyq(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function runJson(...args: string[]) {
  const result = tinyq(...args, '--json');
  assert.is(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

function oneLineError(result: ReturnType<typeof tinyq>, status: number): string {
  assert.is(result.status, status, result.stderr);
  const lines = result.stderr.trimEnd().split('\n');
  assert.is(lines.length, 1, result.stderr);
  assert.match(lines[0], /^tinyq: /);
  return lines[0];
}

/** The digits example's int8 input (p - 128 of an 8x8 gray image) as a PNG file. */
function digitPng(dir: string, n: number): string {
  const pixels = Uint8Array.from(fs.readFileSync(join(ROOT, `examples/digits/digit_${n}.bin`)), (q) => (q + 128) & 0xff);
  const png = new pngjs.PNG({ width: 8, height: 8 });
  pixels.forEach((p, i) => png.data.set([p, p, p, 255], i * 4));
  const file = join(dir, `digit_${n}.png`);
  writeFileSync(file, pngjs.PNG.sync.write(png));
  return file;
}

const tempDir = mkdtempSync(join(tmpdir(), 'tinyq-sensors-'));
test.after(() => rmSync(tempDir, { recursive: true, force: true }));

test('--help describes the sensor inputs', () => {
  const result = tinyq('run', '--help');
  assert.is(result.status, 0);
  for (const option of ['--image', '--wav', '--csv', 'anomaly score']) assert.ok(result.stdout.includes(option), option);
});

test('--image: a digit PNG gives the same classes as its raw tensor', () => {
  const files = [3, 7].map((n) => digitPng(tempDir, n));
  const output = runJson('run', DIGITS, '--image', ...files, '--labels', 'examples/digits/labels.txt');
  assert.equal(output.samples.map((sample: { input: string }) => sample.input), files);
  assert.equal(output.samples.map((sample: { outputs: { top: { index: number }[] }[] }) => sample.outputs[0].top[0].index), [3, 7]);
  const raw = runJson('run', DIGITS, '--input', 'examples/digits/digit_3.bin');
  assert.equal(output.samples[0].outputs[0].values, raw.outputs[0].values);
});

test('--csv: the gesture example classifies its recordings', () => {
  const output = runJson('run', 'examples/gesture/model.tflite', '--csv', 'examples/gesture/recording.csv', '--labels', 'examples/gesture/labels.txt');
  const labels = output.samples.map((sample: { outputs: { top: { label: string }[] }[] }) => sample.outputs[0].top[0].label);
  // The recording holds one window of each gesture, in the order of labels.txt.
  assert.equal(labels, fs.readFileSync(join(ROOT, 'examples/gesture/labels.txt'), 'utf8').trim().split('\n'));
  assert.match(output.samples[1].input, /recording\.csv rows 65-128$/);
});

test('sensor options: one kind of file per run; the front-end must fit the input', () => {
  const png = digitPng(tempDir, 1);
  oneLineError(tinyq('run', DIGITS, '--image', png, '--wav', 'x.wav'), 2);
  const wav = oneLineError(tinyq('run', DIGITS, '--wav', png), 1);
  assert.match(wav, /no audio front-end makes input .* \[1,8,8,1\]/);
  const csv = oneLineError(tinyq('run', DIGITS, '--csv', 'examples/gesture/recording.csv'), 1);
  assert.match(csv, /does not take windows of samples with 3 axes/);
  const notImage = oneLineError(tinyq('run', DIGITS, '--image', 'examples/digits/digit_1.bin'), 1);
  assert.match(notImage, /digit_1\.bin: not a BMP, PNG or JPEG/);
  oneLineError(tinyq('run', DIGITS, '--image', 'no/such.png'), 1);
});

const models = join(SHARED, 'models');
const data = join(SHARED, 'data');
if (fs.existsSync(models) && fs.existsSync(data)) {
  const top = (output: { outputs: { top: { label: string; score: number }[] }[] }) => output.outputs[0].top[0];

  test('kws_ref_model: yes_1000ms.wav answers yes, silence_1000ms.wav silence (built-in MLPerf labels)', () => {
    const model = join(models, 'kws_ref_model.tflite');
    const yes = top(runJson('run', model, '--wav', join(data, 'yes_1000ms.wav')));
    assert.equal([yes.label, yes.score], ['yes', 255 / 256]);
    assert.is(top(runJson('run', model, '--wav', join(data, 'silence_1000ms.wav'))).label, 'silence');
    const text = tinyq('run', model, '--wav', join(data, 'no_1000ms.wav'), '--labels', 'examples/keyword_spotting/labels.txt');
    assert.match(text.stdout, /1 {6}1 {2}go/);
  });

  test('person_detect: person.png says person, no_person.png says no person', () => {
    const model = join(models, 'person_detect.tflite');
    const person = top(runJson('run', model, '--image', join(data, 'person.png')));
    // The scores of shared/data/README.md: [-113, 113] and [57, -57] at scale 1/256, zero point -128.
    assert.equal([person.label, person.score], ['person', (113 + 128) / 256]);
    const nobody = top(runJson('run', model, '--image', join(data, 'no_person.png')));
    assert.equal([nobody.label, nobody.score], ['no person', (57 + 128) / 256]);
  });

  test('vww_96_int8 takes the gray frames as RGB and agrees', () => {
    const model = join(models, 'vww_96_int8.tflite');
    const output = runJson('run', model, '--image', join(data, 'person.png'), join(data, 'no_person.png'), '--labels', 'examples/person_detection/labels.txt');
    assert.equal(output.samples.map(top).map((entry: { label: string }) => entry.label), ['person', 'no person']);
  });

  test('ad01 (autoencoder): --wav prints one anomaly score per file', () => {
    const output = runJson('run', join(models, 'ad01_int8.tflite'), '--wav', join(data, 'noise_1000ms.wav'));
    assert.is(output.input, join(data, 'noise_1000ms.wav'));
    assert.is(output.windows, 28);
    assert.ok(output.score > 0);
  });
} else {
  console.log(`sensors_cli: ${models} or ${data} not found; skipping the published-model runs`);
}

test.run();
