// The wasmtime kit (runtime/wasmtime/): its Python runner runs every conformance case on both
// engine builds, each within exactly the memory pages the model needs (and refused cleanly with
// fewer), and through both WASI command builds. Needs python3 with the wasmtime package
// (TINYQ_PYTHON names another interpreter); without them this file registers no test.

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixtureCaseRoots, listCases, repoRoot, sharedConformanceDir } from '../conformance.js';

const python = process.env.TINYQ_PYTHON ?? 'python3';
const probe = spawnSync(python, ['-c', 'import wasmtime'], { encoding: 'utf8' });
const missing = probe.error ? `${python} not found` : probe.status !== 0 ? `${python} has no wasmtime package (pip install wasmtime)` : '';

interface Summary {
  cases: number;
  engine: Record<string, { passed: number; failed: number; smaller_limits_refused: number }>;
  wasi: Record<string, { passed: number; failed: number }>;
  models: Record<string, Record<string, { memory_bytes: number; pages: number; model_bytes: number; arena_bytes: number; fuel: number }>>;
}

if (missing) {
  console.log(`wasmtime runtime test: ${missing}; no test registered`);
} else {
  const cases = [...listCases(sharedConformanceDir), ...fixtureCaseRoots().flatMap(listCases)];

  test('wasmtime runs every conformance case on both builds within the pages each model needs, and through the WASI command', () => {
    const run = spawnSync(python, [path.join(repoRoot, 'runtime', 'wasmtime', 'conformance.py'), '--json'], { encoding: 'utf8', maxBuffer: 16 << 20 });
    assert.is(run.status, 0, run.stderr);
    const summary = JSON.parse(run.stdout) as Summary;
    assert.is(summary.cases, cases.length);
    assert.equal(Object.keys(summary.engine), ['tinyq.wasm', 'tinyq-simd.wasm']);
    assert.equal(Object.keys(summary.wasi), ['tinyq-wasi.wasm', 'tinyq-wasi-simd.wasm']);
    for (const result of [...Object.values(summary.engine), ...Object.values(summary.wasi)]) {
      assert.equal([result.passed, result.failed], [cases.length, 0]);
    }
    for (const result of Object.values(summary.engine)) assert.ok(result.smaller_limits_refused > 0, 'models over one page were tried with fewer pages');
    for (const [name, builds] of Object.entries(summary.models)) {
      for (const facts of Object.values(builds)) {
        assert.is(facts.pages, Math.ceil(facts.memory_bytes / 65536), name);
        assert.ok(facts.memory_bytes > facts.model_bytes + facts.arena_bytes, name);
        assert.ok(facts.fuel > 0, name);
      }
    }
  });

  test.run();
}
