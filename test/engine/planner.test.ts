// The arena plan on real models, checked through the ABI: activations that are alive at the
// same time never share bytes, the plan fits in the reported arena and comes within 5% of the
// lower bound, weights are read in place from the model bytes, and invoke does not grow memory.

import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileEngine, Engine } from '../../src/engine.js';
import { repoRoot, sharedDir } from '../conformance.js';

function modelPaths(): string[] {
  const models = path.join(sharedDir, 'models');
  const shared = fs.existsSync(models) ? fs.readdirSync(models).filter((f) => f.endsWith('.tflite')).map((f) => path.join(models, f)) : [];
  return [path.join(repoRoot, 'examples/digits/model.tflite'), ...shared];
}

async function initEngine(bytes: Uint8Array): Promise<{ engine: Engine; modelAddress: number }> {
  const { kind, module } = await compileEngine('scalar');
  const engine = new Engine(kind, module);
  const modelAddress = engine.exports.tq_model_reserve(bytes.length);
  engine.bytes(modelAddress, bytes.length).set(bytes);
  engine.call(() => engine.exports.tq_init());
  return { engine, modelAddress };
}

/**
 * Lifetimes from the graph, as operator index ranges: graph inputs from the start, graph
 * outputs to the end (the operator count). These models have no variable tensors.
 */
function lifetimes(engine: Engine): { first: Map<number, number>; last: Map<number, number> } {
  const api = engine.exports;
  const operatorCount = api.tq_operator_count();
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const touch = (t: number, at: number) => {
    if (t < 0 || api.tq_tensor_is_constant(t)) return;
    first.set(t, Math.min(first.get(t) ?? at, at));
    last.set(t, Math.max(last.get(t) ?? at, at));
  };
  for (let i = 0; i < api.tq_input_count(); i++) touch(api.tq_input_tensor(i), 0);
  for (let n = 0; n < operatorCount; n++) {
    for (let k = 0; k < api.tq_operator_input_count(n); k++) touch(api.tq_operator_input(n, k), n);
    for (let k = 0; k < api.tq_operator_output_count(n); k++) touch(api.tq_operator_output(n, k), n);
  }
  for (let i = 0; i < api.tq_output_count(); i++) touch(api.tq_output_tensor(i), operatorCount);
  return { first, last };
}

const alignUp = (bytes: number) => Math.ceil(bytes / 16) * 16;

for (const modelPath of modelPaths()) {
  const name = path.basename(modelPath, '.tflite');

  test(`${name}: tensors alive together do not overlap in the arena`, async () => {
    const { engine } = await initEngine(new Uint8Array(fs.readFileSync(modelPath)));
    const api = engine.exports;
    const { first, last } = lifetimes(engine);
    const live = [...first.keys()].map((t) => ({ t, start: api.tq_tensor_data(t), end: api.tq_tensor_data(t) + api.tq_tensor_bytes(t) }));
    assert.ok(live.length > 0);
    for (const a of live) {
      for (const b of live) {
        if (a.t >= b.t) continue;
        const together = first.get(a.t)! <= last.get(b.t)! && first.get(b.t)! <= last.get(a.t)!;
        if (together) assert.ok(a.end <= b.start || b.end <= a.start, `tensors ${a.t} and ${b.t} overlap while both alive`);
      }
    }
    const low = Math.min(...live.map((x) => x.start));
    const high = Math.max(...live.map((x) => x.end));
    assert.ok(high - low <= api.tq_arena_bytes(), `plan spans ${high - low} bytes, arena is ${api.tq_arena_bytes()}`);
    assert.ok(api.tq_arena_bytes() >= Math.max(...live.map((x) => x.end - x.start)));
  });

  test(`${name}: the lower bound is the peak of live bytes; the arena is at least that and within 5% of it`, async () => {
    const { engine } = await initEngine(new Uint8Array(fs.readFileSync(modelPath)));
    const api = engine.exports;
    const { first, last } = lifetimes(engine);
    let peak = 0;
    for (let at = 0; at <= api.tq_operator_count(); at++) {
      let live = at < api.tq_operator_count() ? alignUp(api.tq_operator_scratch_bytes(at)) : 0;
      for (const [t, start] of first) if (start <= at && at <= last.get(t)!) live += alignUp(api.tq_tensor_bytes(t));
      peak = Math.max(peak, live);
    }
    assert.is(api.tq_arena_lower_bound(), peak);
    assert.ok(api.tq_arena_bytes() >= peak, `arena ${api.tq_arena_bytes()} below the lower bound ${peak}`);
    assert.ok(api.tq_arena_bytes() <= 1.05 * peak, `arena ${api.tq_arena_bytes()} over 1.05 x the lower bound ${peak}`);
  });

  test(`${name}: weights are read in place and invoke does not grow memory`, async () => {
    const bytes = new Uint8Array(fs.readFileSync(modelPath));
    const { engine, modelAddress } = await initEngine(bytes);
    const api = engine.exports;
    let constants = 0;
    for (let t = 0; t < api.tq_tensor_count(); t++) {
      if (!api.tq_tensor_is_constant(t)) continue;
      constants++;
      const offset = api.tq_tensor_data(t) - modelAddress;
      assert.ok(offset >= 0 && offset + api.tq_tensor_bytes(t) <= bytes.length, `tensor ${t} data lies inside the model bytes`);
    }
    assert.ok(constants > 0);
    const memoryBefore = api.memory.buffer.byteLength;
    const heapBefore = api.tq_memory_bytes();
    engine.call(() => api.tq_invoke());
    engine.call(() => api.tq_invoke());
    assert.is(api.memory.buffer.byteLength, memoryBefore);
    assert.is(api.tq_memory_bytes(), heapBefore, 'no allocation during invoke');
  });
}

test.run();
