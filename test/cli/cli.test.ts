// The tinyq CLI as a user runs it: a child process from the repo root, checked by exit code,
// stdout and stderr. It runs src/cli.ts through tsx so the tests do not depend on dist/.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Interpreter } from '../../src/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MODEL = 'examples/digits/model.tflite';
const digit = (n: number) => `examples/digits/digit_${n}.bin`;
const UNSUPPORTED_MODEL = 'test/fixtures/unsupported_op.tflite';
const ONNX_CASE = 'test/fixtures/onnx/residual_qop_u8';

function tinyq(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A user error: the given exit code and exactly one `tinyq: ...` line on stderr (no stack trace). */
function assertOneLineError(result: ReturnType<typeof tinyq>, status: number): string {
  assert.is(result.status, status, result.stderr);
  const lines = result.stderr.trimEnd().split('\n');
  assert.is(lines.length, 1, `expected one stderr line, got:\n${result.stderr}`);
  assert.match(lines[0], /^tinyq: /);
  return lines[0];
}

function withTempDir(body: (dir: string) => Promise<void> | void): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tinyq-cli-'));
    try {
      await body(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test('--help lists inspect and run and exits 0', () => {
  const result = tinyq('--help');
  assert.is(result.status, 0);
  assert.match(result.stdout, /inspect/);
  assert.match(result.stdout, /run/);
});

test('--version prints the package version', () => {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const result = tinyq('--version');
  assert.is(result.status, 0);
  assert.is(result.stdout.trim(), version);
});

test('inspect --json describes the digits model', () => {
  const result = tinyq('inspect', MODEL, '--json');
  assert.is(result.status, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  assert.is(report.operatorCounts.CONV_2D, 2);
  assert.equal(report.inputs[0].shape, [1, 8, 8, 1]);
  assert.is(report.inputs[0].dtype, 'int8');
  assert.ok(report.arenaBytes > 0);
  assert.ok(report.arenaLowerBound > 0 && report.arenaLowerBound <= report.arenaBytes);
  assert.ok(report.operators.every((op: { scratchBytes: number }) => op.scratchBytes >= 0));
  assert.ok(report.macs > 0);
  assert.ok(report.memoryBytes > report.bytes + report.arenaBytes, 'the need holds the model and the arena');
  assert.is(report.memoryPages, Math.ceil(report.memoryBytes / 65536));
});

test('inspect states the memory the engine needs in bytes and pages', () => {
  const result = tinyq('inspect', MODEL);
  assert.is(result.status, 0, result.stderr);
  assert.match(result.stdout, /^engine memory +[\d,]+ bytes \(\d+ pages? of 64 KiB\)$/m);
});

test('inspect prints the arena, its lower bound and each operator\'s scratch bytes', () => {
  const result = tinyq('inspect', MODEL);
  assert.is(result.status, 0, result.stderr);
  assert.match(result.stdout, /arena lower bound\s+[\d,]+ bytes \(arena \/ bound \d\.\d{3}\)\narena\s+[\d,]+ bytes/);
  assert.match(result.stdout, /MACs\s+scratch/);
});

test('run --profile prints a row per operator and per operator type; --json adds the profile', () => {
  const text = tinyq('run', MODEL, '--input', digit(3), '--profile');
  assert.is(text.status, 0, text.stderr);
  assert.match(text.stdout, /rank\s+class/);
  assert.match(text.stdout, /profile \(\w+ engine, median of \d+ runs/);
  assert.match(text.stdout, /by operator type/);
  for (const name of ['CONV_2D', 'MAX_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'SOFTMAX']) assert.match(text.stdout, new RegExp(`\\n\\s+\\d+\\s+${name}\\s`));

  const json = tinyq('run', MODEL, '--input', digit(3), '--json', '--profile');
  assert.is(json.status, 0, json.stderr);
  const result = JSON.parse(json.stdout);
  assert.is(result.outputs[0].top[0].index, 3);
  assert.is(result.profile.operators.length, 6);
  assert.ok(result.profile.operators.every((op: { ms: number }) => op.ms >= 0));
  assert.ok(result.profile.types.some((type: { name: string; count: number }) => type.name === 'CONV_2D' && type.count === 2));
});

test('run --json ranks digit 3 first', () => {
  const result = tinyq('run', MODEL, '--input', digit(3), '--json');
  assert.is(result.status, 0, result.stderr);
  const output = JSON.parse(result.stdout);
  assert.is(output.outputs[0].top[0].index, 3);
  assert.type(output.ms, 'number');
});

test('run with two samples writes the bytes the Interpreter API gives', withTempDir(async (dir) => {
  const result = tinyq('run', MODEL, '--input', digit(5), digit(7), '--output-dir', dir);
  assert.is(result.status, 0, result.stderr);
  const interpreter = await Interpreter.load(MODEL);
  for (const [k, n] of [5, 7].entries()) {
    interpreter.setInputBytes(0, new Uint8Array(readFileSync(join(ROOT, digit(n)))));
    interpreter.invoke();
    assert.equal(new Uint8Array(readFileSync(join(dir, `s${k}_out0.bin`))), interpreter.outputBytes(0));
  }
}));

test('run refuses an input file of the wrong size, naming it', withTempDir((dir) => {
  const file = join(dir, 'short.bin');
  writeFileSync(file, new Uint8Array(63));
  const line = assertOneLineError(tinyq('run', MODEL, '--input', file), 1);
  assert.ok(line.includes(file), line);
  assert.ok(line.includes('64'), line);
}));

test('a model with an unsupported operator names the operator', () => {
  const line = assertOneLineError(tinyq('inspect', UNSUPPORTED_MODEL), 1);
  assert.match(line, /unsupported custom operator TinyqTestOp/);
});

test('a missing model file is one line and exit 1', () => {
  const line = assertOneLineError(tinyq('inspect', 'no/such/model.tflite'), 1);
  assert.match(line, /no\/such\/model\.tflite/);
});

test('an unknown flag is a usage error (exit 2)', () => {
  assertOneLineError(tinyq('run', MODEL, '--input', digit(1), '--frobnicate'), 2);
});

test('run without --input is a usage error (exit 2)', () => {
  assertOneLineError(tinyq('run', MODEL), 2);
});

test('convert --help explains the command', () => {
  const result = tinyq('convert', '--help');
  assert.is(result.status, 0);
  assert.match(result.stdout, /Usage: tinyq convert MODEL\.onnx -o MODEL\.tflite/);
  assert.match(tinyq('--help').stdout, /convert/);
});

test('convert writes a .tflite that runs like the .onnx', withTempDir(async (dir) => {
  const output = join(dir, 'model.tflite');
  const result = tinyq('convert', `${ONNX_CASE}/model_qop.onnx`, '-o', output);
  assert.is(result.status, 0, result.stderr);
  assert.match(result.stdout, /wrote/);
  const fromTflite = await Interpreter.load(output);
  const fromOnnx = await Interpreter.load(join(ROOT, ONNX_CASE, 'model_qop.onnx'));
  assert.is(fromTflite.format, 'tflite');
  assert.is(fromOnnx.format, 'onnx');
  const input = new Uint8Array(readFileSync(join(ROOT, ONNX_CASE, 's1_in0.bin')));
  for (const interpreter of [fromTflite, fromOnnx]) {
    interpreter.setInputBytes(0, input);
    interpreter.invoke();
  }
  assert.equal(fromTflite.outputBytes(0), fromOnnx.outputBytes(0));
}));

test('run and inspect take an .onnx model', () => {
  const run = tinyq('run', `${ONNX_CASE}/model_qop.onnx`, '--input', `${ONNX_CASE}/s0_in0.bin`, '--json');
  assert.is(run.status, 0, run.stderr);
  assert.is(JSON.parse(run.stdout).outputs[0].values.length, 4);
  const inspect = tinyq('inspect', `${ONNX_CASE}/model_qop.onnx`, '--json');
  assert.is(inspect.status, 0, inspect.stderr);
  assert.equal(JSON.parse(inspect.stdout).inputs[0].shape, [1, 1, 10, 10]);
});

test('convert without -o is a usage error; a non-ONNX file is one line and exit 1', withTempDir((dir) => {
  assertOneLineError(tinyq('convert', `${ONNX_CASE}/model_qop.onnx`), 2);
  const line = assertOneLineError(tinyq('convert', MODEL, '-o', join(dir, 'x.tflite')), 1);
  assert.match(line, /not an ONNX model/);
}));

test.run();
