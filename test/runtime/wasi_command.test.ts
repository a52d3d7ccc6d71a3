// The WASI command (build/tinyq-wasi*.wasm) under Node's WASI: every conformance case through
// `run MODEL --input ... --output-dir DIR`, and the command line's errors and exit codes.
// wasmtime runs the same in test/runtime/wasmtime.test.ts; WAMR and wasm3 by hand (runtime/README.md).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WASI } from 'node:wasi';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fixtureCaseRoots, listCases, repoRoot, sharedConformanceDir } from '../conformance.js';

const BUILDS = { scalar: 'build/tinyq-wasi.wasm', simd: 'build/tinyq-wasi-simd.wasm' } as const;
const cases = [...listCases(sharedConformanceDir), ...fixtureCaseRoots().flatMap(listCases)];
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyq-wasi-'));
const modules = new Map<string, WebAssembly.Module>();

interface Result {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the command with the host's / preopened as /, so absolute paths work unchanged. */
function runCommand(build: keyof typeof BUILDS, ...args: string[]): Result {
  const file = path.join(repoRoot, BUILDS[build]);
  if (!modules.has(file)) modules.set(file, new WebAssembly.Module(fs.readFileSync(file)));
  const [stdoutPath, stderrPath] = [path.join(scratch, 'stdout'), path.join(scratch, 'stderr')];
  const [stdout, stderr] = [fs.openSync(stdoutPath, 'w'), fs.openSync(stderrPath, 'w')];
  try {
    const wasi = new WASI({ version: 'preview1', args: ['tinyq-wasi.wasm', ...args], preopens: { '/': '/' }, stdout, stderr, returnOnExit: true });
    const instance = new WebAssembly.Instance(modules.get(file)!, wasi.getImportObject() as WebAssembly.Imports);
    const status = wasi.start(instance);
    return { status, stdout: fs.readFileSync(stdoutPath, 'utf8'), stderr: fs.readFileSync(stderrPath, 'utf8') };
  } finally {
    fs.closeSync(stdout);
    fs.closeSync(stderr);
  }
}

function oneLineError(result: Result, status: number): string {
  assert.is(result.status, status, result.stderr);
  assert.is(result.stdout, '');
  assert.match(result.stderr, /^tinyq: [^\n]+\n$/);
  return result.stderr;
}

for (const build of Object.keys(BUILDS) as (keyof typeof BUILDS)[]) {
  const conformance = suite(`WASI command conformance (${build})`);
  for (const { spec, dir } of cases) {
    conformance(spec.name, () => {
      const outputDir = path.join(scratch, build, spec.name);
      const inputs = spec.samples.flatMap((sample) => sample.inputs.map((file) => path.join(dir, file)));
      const result = runCommand(build, 'run', path.join(dir, 'model.tflite'), '--input', ...inputs, '--output-dir', outputDir);
      assert.is(result.status, 0, result.stderr);
      spec.samples.forEach((sample, k) => sample.outputs.forEach((file, j) => {
        const written = path.join(outputDir, spec.samples.length === 1 ? `out${j}.bin` : `s${k}_out${j}.bin`);
        assert.ok(fs.readFileSync(written).equals(fs.readFileSync(path.join(dir, file))), `sample ${k} output ${j} differs`);
      }));
    });
  }
  conformance.run();
}

const command = suite('WASI command line');
const digits = path.join(repoRoot, 'examples', 'digits');

command('one invocation writes out0.bin and says so', () => {
  const outputDir = path.join(scratch, 'digits');
  const result = runCommand('scalar', 'run', path.join(digits, 'model.tflite'), '--input', path.join(digits, 'digit_3.bin'), '--output-dir', outputDir);
  assert.is(result.status, 0, result.stderr);
  assert.is(result.stdout, `wrote ${outputDir}/out0.bin (10 bytes)\n`);
});

command('usage errors exit 2, and --help exits 0', () => {
  oneLineError(runCommand('scalar', 'run'), 2);
  oneLineError(runCommand('scalar', 'inspect', 'model.tflite'), 2);
  oneLineError(runCommand('scalar', 'run', 'model.tflite', '--input', 'x.bin', '--json', '--output-dir', 'out'), 2);
  oneLineError(runCommand('scalar', 'run', path.join(digits, 'model.tflite'), '--input', path.join(digits, 'digit_3.bin')), 2);
  const help = runCommand('scalar', 'run', '--help');
  assert.is(help.status, 0);
  assert.match(help.stdout, /--output-dir/);
});

command('a missing file, a wrong input size or a bad model exits 1 with one line', () => {
  const model = path.join(digits, 'model.tflite');
  assert.match(oneLineError(runCommand('scalar', 'run', model, '--input', '/no/such.bin', '--output-dir', scratch), 1), /cannot read input \/no\/such\.bin: ENOENT/);
  assert.match(oneLineError(runCommand('scalar', 'run', model, '--input', model, '--output-dir', scratch), 1), /input file .* has [\d,]+ bytes; model input 0 .* takes 64 bytes \(int8 \[1,8,8,1\]\)/);
  const unsupported = path.join(repoRoot, 'test', 'fixtures', 'unsupported_op.tflite');
  assert.match(oneLineError(runCommand('scalar', 'run', unsupported, '--input', model, '--output-dir', scratch), 1), /unsupported/);
});

command.run();
