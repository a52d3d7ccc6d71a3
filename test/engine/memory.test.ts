// The memory contract of runtime/tinyq.h: tq_memory_bytes is what a model needs. Every
// conformance model loads again under a limit of exactly that many bytes, and one byte less
// is refused with OUT_OF_MEMORY and the size it needs (never a trap). The shared models fit the
// embedding budget.

import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Interpreter, TinyqError } from '../../src/index.js';
import { fixtureCaseRoots, listCases, sharedConformanceDir, sharedDir } from '../conformance.js';

const cases = [...listCases(sharedConformanceDir), ...fixtureCaseRoots().flatMap(listCases)];

for (const engine of ['scalar', 'simd'] as const) test(`${engine}: every conformance model loads with exactly the memory it reports, and not with one byte less`, async () => {
  for (const { spec, dir } of cases) {
    const model = path.join(dir, 'model.tflite');
    const needed = (await Interpreter.load(model, { engine })).memoryBytes;
    const fitting = await Interpreter.load(model, { engine, memoryLimit: needed });
    assert.is(fitting.memoryBytes, needed, `${spec.name}: the same need under its own limit`);
    try {
      await Interpreter.load(model, { engine, memoryLimit: needed - 1 });
      assert.unreachable(`${spec.name} loaded under ${needed - 1} bytes`);
    } catch (error) {
      assert.instance(error, TinyqError, String(error));
      assert.is((error as TinyqError).code, 'OUT_OF_MEMORY', `${spec.name}: ${(error as Error).message}`);
      assert.match((error as Error).message, new RegExp(`needs ${needed} bytes`), spec.name);
    }
  }
});

const personDetect = cases.find((c) => c.spec.name === 'person_detect');
if (personDetect) test('the need covers the model and its arena, and does not change when the model is loaded again', async () => {
  const model = path.join(personDetect.dir, 'model.tflite');
  const first = await Interpreter.load(model, { engine: 'scalar' });
  const second = await Interpreter.load(model, { engine: 'scalar' });
  assert.ok(first.memoryBytes >= first.modelBytes + first.arenaBytes);
  assert.is(second.memoryBytes, first.memoryBytes);
});

// The embedding budget (runtime/README.md): besides the model and the arena, the scalar build
// needs at most 64 KiB for its data, the graph and the kernels' state.
const ENGINE_ALLOWANCE = 65536;
const sharedModels = path.join(sharedDir, 'models');
const models = fs.existsSync(sharedModels) ? fs.readdirSync(sharedModels).filter((file) => file.endsWith('.tflite')).sort() : [];
if (models.length === 0) console.log(`memory: ${sharedModels} not found; the budget of the shared models is not checked`);
for (const file of models) test(`scalar: ${file} needs at most model + arena + 64 KiB of linear memory`, async () => {
  const interpreter = await Interpreter.load(path.join(sharedModels, file), { engine: 'scalar' });
  const allowance = interpreter.memoryBytes - interpreter.modelBytes - interpreter.arenaBytes;
  assert.ok(allowance <= ENGINE_ALLOWANCE, `${file}: ${interpreter.memoryBytes} bytes = model ${interpreter.modelBytes} + arena ${interpreter.arenaBytes} + ${allowance}`);
});

test.run();
