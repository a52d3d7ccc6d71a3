// A short deterministic fuzz run: mutated models never trap, throw a non-tinyq error, hang or
// exceed the memory limit on either build. `npm run fuzz` runs the long version.

import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoRoot } from '../conformance.js';
import { defaultCorpus, fuzz } from './fuzzer.js';

test('3000 mutants of the small models: every one runs or is rejected with a tinyq error', async () => {
  const corpus = defaultCorpus(repoRoot).filter((file) => !file.includes(`${path.sep}models${path.sep}`));
  const stats = await fuzz({ corpus, iterations: 3000, seed: 2026, memoryLimit: 64 << 20 });
  assert.equal(stats.failures, []);
  assert.is(stats.mutants, 3000);
  assert.ok((stats.outcomes['rejected:MALFORMED_MODEL'] ?? 0) > 0, JSON.stringify(stats.outcomes));
  assert.ok((stats.outcomes.ran ?? 0) > 0, JSON.stringify(stats.outcomes));
});

test.run();
