// The C embedding kit (runtime/c/) on WAMR and wasm3: builds tinyq_host with the engine, a
// model, its input and the expected output compiled in, runs one inference within exactly the
// memory the model needs, and one byte less must fail cleanly. Runs only when WAMR_DIR and/or
// WASM3_DIR point at built runtimes (runtime/README.md); otherwise it registers no test.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Interpreter } from '../../src/index.js';
import { repoRoot, sharedConformanceDir } from '../conformance.js';

const RUNTIMES = [
  { name: 'wamr', variable: 'WAMR_DIR' },
  { name: 'wasm3', variable: 'WASM3_DIR' },
].filter(({ variable }) => process.env[variable]);
const kit = path.join(repoRoot, 'runtime', 'c');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyq-c-'));

/** Builds the host for one runtime with a model compiled in, and runs it. */
function buildAndRun(runtime: (typeof RUNTIMES)[number], settings: Record<string, string | number>) {
  const build = path.join(scratch, runtime.name);
  const variables = Object.entries({ ...settings, BUILD: build, [runtime.variable]: process.env[runtime.variable]! }).map(([k, v]) => `${k}=${v}`);
  const make = spawnSync('make', ['-s', '-C', kit, ...variables, `${build}/tinyq-${runtime.name}`], { encoding: 'utf8' });
  assert.is(make.status, 0, make.stderr);
  return spawnSync(path.join(build, `tinyq-${runtime.name}`), { encoding: 'utf8' });
}

if (RUNTIMES.length === 0) {
  console.log('C host test: set WAMR_DIR and/or WASM3_DIR to built runtimes to run it; no test registered');
} else {
  const person = path.join(sharedConformanceDir, 'person_detect');
  const digits = path.join(repoRoot, 'examples', 'digits');
  const models = [{ name: 'digits', model: path.join(digits, 'model.tflite'), input: path.join(digits, 'digit_3.bin'), expected: '' }];
  if (fs.existsSync(person)) models.push({ name: 'person_detect', model: path.join(person, 'model.tflite'), input: path.join(person, 's0_in0.bin'), expected: path.join(person, 's0_out0.bin') });

  for (const runtime of RUNTIMES) {
    for (const { name, model, input, expected: golden } of models) {
      test(`${runtime.name}: ${name} runs within exactly the memory it needs, and is refused cleanly with one byte less`, async () => {
        const interpreter = await Interpreter.load(model, { engine: 'scalar' });
        interpreter.setInputBytes(0, fs.readFileSync(input));
        interpreter.invoke();
        const expected = golden || path.join(scratch, `${name}.out`);
        if (!golden) fs.writeFileSync(expected, interpreter.outputBytes(0));
        const settings = { MODEL: model, INPUTS: input, EXPECTED: expected };
        const fits = buildAndRun(runtime, { ...settings, MEMORY_BUDGET: interpreter.memoryBytes });
        assert.is(fits.status, 0, fits.stderr);
        assert.match(fits.stdout, `engine memory ${interpreter.memoryBytes} bytes`);
        assert.match(fits.stdout, /outputs match the expected/);
        const short = buildAndRun(runtime, { ...settings, MEMORY_BUDGET: interpreter.memoryBytes - 1 });
        assert.is(short.status, 1);
        assert.match(short.stderr, new RegExp(`^tinyq: loading the model: .* needs ${interpreter.memoryBytes} bytes of engine memory; the limit is ${interpreter.memoryBytes - 1}\\n$`));
      });
    }
  }

  test.run();
}
