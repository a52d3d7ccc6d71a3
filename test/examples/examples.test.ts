// The example scripts as a user runs them (node, importing the built package 'tinyq' from
// dist/), on the published models and sample data of ../shared.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoRoot, sharedDir } from '../conformance.js';

function node(script: string): string {
  const result = spawnSync(process.execPath, [script], { cwd: repoRoot, encoding: 'utf8' });
  assert.is(result.status, 0, result.stderr);
  return result.stdout;
}

const needs = [path.join(sharedDir, 'models'), path.join(sharedDir, 'data'), path.join(repoRoot, 'dist/index.js')];
if (needs.every((file) => fs.existsSync(file))) {
  test('keyword_spotting/stream.js hears yes, then go for the no clip', () => {
    const heard = [...node('examples/keyword_spotting/stream.js').matchAll(/heard "(\w+)"/g)].map((match) => match[1]);
    assert.equal(heard, ['yes', 'go']);
  });

  test('anomaly/score.js flags both faults and none of the normal recordings', () => {
    const verdicts = [...node('examples/anomaly/score.js').matchAll(/^(\w+)_\d+\.wav +score +[\d.]+ +(normal|ANOMALY)/gm)].map((match) => `${match[1]} ${match[2]}`);
    assert.equal(verdicts, ['normal normal', 'normal normal', 'normal normal', 'bearing ANOMALY', 'rub ANOMALY']);
  });
} else {
  console.log(`examples: ${needs.filter((file) => !fs.existsSync(file)).join(', ')} not found; skipping the example scripts`);
}

test.run();
