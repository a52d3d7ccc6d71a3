// `tinyq quantize`, `eval`, `report` and `sweep` as a user runs them: a child process from the
// repo root (src/cli.ts through tsx), on accel_cnn (test/fixtures/quantizer).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ACCEL = 'test/fixtures/quantizer/accel_cnn';
const FLOAT_MODEL = `${ACCEL}/model_float.tflite`;
const CALIB = `${ACCEL}/calib_float.bin`;
const LABELS = `${ACCEL}/eval_labels.bin`;
const SPEC = JSON.parse(readFileSync(join(ROOT, ACCEL, 'case.json'), 'utf8')) as { eval: { scale: number; int8_accuracy_tflite: number } };

function tinyq(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function assertOneLineError(result: ReturnType<typeof tinyq>, status: number, pattern: RegExp): void {
  assert.is(result.status, status, result.stderr);
  const lines = result.stderr.trimEnd().split('\n');
  assert.is(lines.length, 1, `expected one stderr line, got:\n${result.stderr}`);
  assert.match(lines[0], /^tinyq: /);
  assert.match(lines[0], pattern);
}

const dir = mkdtempSync(join(tmpdir(), 'tinyq-quantizer-cli-'));
const quantized = join(dir, 'accel_int8.tflite');
// The eval windows are stored as int8 at 1/32 g; eval takes float32 samples.
const evalInputs = join(dir, 'eval_float.bin');
const stored = new Int8Array(readFileSync(join(ROOT, ACCEL, 'eval_inputs.bin')));
writeFileSync(evalInputs, new Uint8Array(Float32Array.from(stored, (q) => q * SPEC.eval.scale).buffer));

test('quantize writes the model of the crosscheck fixture, and no progress bar off a terminal', () => {
  const result = tinyq('quantize', FLOAT_MODEL, '--calib', CALIB, '-o', quantized);
  assert.is(result.status, 0, result.stderr);
  assert.is(result.stderr, '');
  assert.match(result.stdout, /^wrote .*accel_int8.tflite \([\d,]+ bytes\): int8, 8-bit per-channel weights, minmax calibration on 100 samples/);
  const fixture = readFileSync(join(ROOT, 'test/fixtures/quantizer/crosscheck/accel_cnn_default/quantized.tflite'));
  assert.ok(readFileSync(quantized).equals(fixture), 'same bytes as the API wrote for gen_quantizer.py');
});

test('eval --json gives the accuracy of the quantized model, within 0.3 points of TFLite\'s int8 model', () => {
  const result = tinyq('eval', quantized, '--inputs', evalInputs, '--labels', LABELS, '--json');
  assert.is(result.status, 0, result.stderr);
  const { accuracy, count } = JSON.parse(result.stdout) as { accuracy: number; count: number };
  assert.is(count, 400);
  assert.ok(accuracy >= SPEC.eval.int8_accuracy_tflite - 0.003, `accuracy ${accuracy}`);
  assert.match(tinyq('eval', quantized, '--inputs', evalInputs, '--labels', LABELS).stdout, /^accuracy \d+\.\d\d% \(\d+ of 400\)/);
});

test('report prints both accuracies, the sizes and per-layer SQNR, flagging the layers that lose most', () => {
  const text = tinyq('report', FLOAT_MODEL, quantized, '--inputs', evalInputs, '--labels', LABELS);
  assert.is(text.status, 0, text.stderr);
  assert.match(text.stdout, /accuracy\s+\d+\.\d\d%\s+\d+\.\d\d%/);
  assert.match(text.stdout, /CONV_2D .* int8 +\d+\.\d/);
  assert.is(text.stdout.split('<<').length - 1, 3);
  const json = JSON.parse(tinyq('report', FLOAT_MODEL, quantized, '--inputs', evalInputs, '--json').stdout) as { layers: { name: string; sqnr: number }[]; sizes: { float: number; quantized: number } };
  assert.ok(json.layers.length >= 8 && json.layers.every((layer) => layer.sqnr > 20), 'every layer above 20 dB');
  assert.ok(json.sizes.quantized < json.sizes.float);
});

test('sweep prints a row per calibrator and bit width, and writes the SVG chart', () => {
  const svg = join(dir, 'sweep.svg');
  const result = tinyq('sweep', FLOAT_MODEL, '--calib', CALIB, '--inputs', evalInputs, '--labels', LABELS, '--svg', svg);
  assert.is(result.status, 0, result.stderr);
  for (const row of ['float32', 'int8 w8 minmax', 'int8 w8 entropy', 'int8 w4 mse', '16x8 percentile', 'int8 w8 k16 minmax']) {
    assert.match(result.stdout, new RegExp(`^${row} +\\d+\\.\\d\\d% +[\\d,]+ +[\\d,]+ +-?\\d+\\.\\d\\d pt$`, 'm'));
  }
  assert.match(readFileSync(svg, 'utf8'), /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[\s\S]*<\/svg>$/);
});

test('usage and input errors are one line with exit 2 or 1', () => {
  assertOneLineError(tinyq('quantize', FLOAT_MODEL, '-o', quantized), 2, /missing --calib/);
  assertOneLineError(tinyq('quantize', FLOAT_MODEL, '--calib', CALIB, '-o', quantized, '--calibrator', 'kl'), 2, /--calibrator must be one of minmax, percentile, mse, entropy/);
  assertOneLineError(tinyq('quantize', FLOAT_MODEL, '--calib', LABELS, '-o', quantized), 1, /not a whole number of samples of shape \[1,64,3\]/);
  assertOneLineError(tinyq('quantize', quantized, '--calib', CALIB, '-o', join(dir, 'again.tflite')), 1, /float32/);
  assertOneLineError(tinyq('quantize', FLOAT_MODEL, '--calib', CALIB, '-o', quantized, '--weight-clusters', '1'), 2, /--weight-clusters must be an integer from 2 to 256/);
  assertOneLineError(tinyq('eval', quantized, '--inputs', evalInputs), 2, /missing --labels/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
