// npm run fuzz -- [--iterations N] [--seed S] [--engine scalar|simd|both] [--timeout-ms T] [--out DIR] [--small]
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { EngineKind } from '../../src/engine.js';
import { defaultCorpus, fuzz } from './fuzzer.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const usage = `usage: npm run fuzz -- [--iterations N] [--seed S] [--engine scalar|simd|both] [--timeout-ms T] [--out DIR] [--small]
  Mutates the models of examples/, test/fixtures/ and ../shared (conformance cases and models),
  runs each mutant through load and two invokes on each engine build, and counts outcomes.
  --small leaves out ../shared/models (the large published models) for a faster run.
  Every load runs under a 64 MiB engine memory limit, so mutants that blow a tensor up to
  gigabytes are refused (OUT_OF_MEMORY) instead of running for minutes.
  Reproducers of traps, non-tinyq exceptions, hangs and memory overruns go to --out
  (default test/fuzz/crashes). Exit code 1 if there was any.`;

const { values } = parseArgs({
  options: {
    iterations: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '1' },
    engine: { type: 'string', default: 'both' },
    'timeout-ms': { type: 'string', default: '10000' },
    out: { type: 'string', default: path.join(repoRoot, 'test', 'fuzz', 'crashes') },
    small: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const iterations = Number(values.iterations);
const seed = Number(values.seed);
const timeoutMs = Number(values['timeout-ms']);
const engines: EngineKind[] = values.engine === 'both' ? ['scalar', 'simd'] : [values.engine as EngineKind];
if (!(iterations > 0) || !Number.isInteger(seed) || !(timeoutMs > 0) || !engines.every((e) => e === 'scalar' || e === 'simd')) {
  console.error(usage);
  process.exit(2);
}

const corpus = defaultCorpus(repoRoot).filter((file) => !values.small || !file.includes(`${path.sep}shared${path.sep}models${path.sep}`));
console.log(`fuzzing ${corpus.length} models, ${iterations} mutants, seed ${seed}, engines ${engines.join('+')}`);
let lastReport = performance.now();
const stats = await fuzz({
  corpus, iterations, seed, engines, timeoutMs, outDir: values.out,
  onProgress: (done, progress) => {
    if (performance.now() - lastReport < 10_000 && done !== iterations) return;
    lastReport = performance.now();
    console.log(`  ${done}/${iterations} mutants, ${progress.failures.length} failures`);
  },
});
console.log(`${stats.mutants} mutants in ${stats.seconds.toFixed(1)} s (${(stats.mutants / stats.seconds).toFixed(0)} mutants/s)`);
for (const [outcome, count] of Object.entries(stats.outcomes).sort()) console.log(`  ${outcome.padEnd(32)} ${count}`);
for (const failure of stats.failures) {
  console.log(`FAILURE ${failure.outcome} on ${failure.engine}: ${path.relative(repoRoot, failure.model)} (${failure.strategy}, iteration ${failure.iteration}) -> ${failure.reproducer}\n  ${failure.message ?? ''}`);
}
process.exit(stats.failures.length > 0 ? 1 : 0);
