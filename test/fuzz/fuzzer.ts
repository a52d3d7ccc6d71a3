// The fuzzing loop: picks a model of the corpus and a mutation, runs the mutant on each engine
// build in a worker with a time bound, counts outcomes, and saves a reproducer for every trap,
// non-tinyq exception, hang or memory overrun.

import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EngineKind } from '../../src/engine.js';
import { locate, mutate, Places, Random, STRATEGIES } from './mutate.js';
import type { MutantOutcome, MutantRequest } from './worker.js';

export interface FuzzOptions {
  corpus: string[];
  iterations: number;
  seed: number;
  engines?: EngineKind[];
  /** A mutant that takes longer than this (load and two invokes, all engines) is a hang. */
  timeoutMs?: number;
  /** The engine memory limit of every load (default 64 MiB, a large device). */
  memoryLimit?: number;
  /** Where reproducers go; nothing is written when absent. */
  outDir?: string;
  onProgress?: (done: number, stats: FuzzStats) => void;
}

export interface FuzzStats {
  mutants: number;
  seconds: number;
  /** Per outcome ('ran', 'rejected:MALFORMED_MODEL', 'trap', 'hang', ...), counted per engine run. */
  outcomes: Record<string, number>;
  failures: { model: string; strategy: string; iteration: number; engine: string; outcome: string; message?: string; reproducer?: string }[];
}

const FAILURES = new Set(['trap', 'exception', 'memory', 'hang']);

class MutantRunner {
  private worker: Worker | null = null;

  private start(): Worker {
    // The worker is TypeScript: register tsx's loader in it before importing the module.
    const entry = JSON.stringify(new URL('./worker.ts', import.meta.url).href);
    this.worker = new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${entry}); })`, { eval: true });
    this.worker.unref();
    return this.worker;
  }

  /** The outcomes, or null when the mutant did not finish in time (the worker is then replaced). */
  run(request: MutantRequest, timeoutMs: number): Promise<MutantOutcome[] | null> {
    const worker = this.worker ?? this.start();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        void worker.terminate();
        this.worker = null;
        resolve(null);
      }, timeoutMs);
      const onMessage = (outcomes: MutantOutcome[]) => { cleanup(); resolve(outcomes); };
      const onError = (error: Error) => { cleanup(); this.worker = null; reject(error); };
      const cleanup = () => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = null;
  }
}

export async function fuzz(options: FuzzOptions): Promise<FuzzStats> {
  const engines = options.engines ?? ['scalar', 'simd'];
  const timeoutMs = options.timeoutMs ?? 10_000;
  const memoryLimit = options.memoryLimit ?? 64 << 20;
  const random = new Random(options.seed);
  const models = options.corpus.map((file) => {
    const bytes = new Uint8Array(fs.readFileSync(file));
    return { file, bytes, places: locate(bytes) as Places };
  });
  const stats: FuzzStats = { mutants: 0, seconds: 0, outcomes: {}, failures: [] };
  const runner = new MutantRunner();
  const started = performance.now();
  try {
    for (let iteration = 0; iteration < options.iterations; iteration++) {
      const model = random.pick(models);
      const strategy = random.pick(STRATEGIES);
      const mutant = mutate(model.bytes, model.places, strategy, random);
      const request: MutantRequest = { bytes: mutant, engines, memoryLimit, inputSeed: random.below(2 ** 31) };
      const outcomes = (await runner.run(request, timeoutMs)) ?? engines.map((engine) => ({ engine, outcome: 'hang' }));
      stats.mutants++;
      for (const { engine, outcome, message } of outcomes) {
        stats.outcomes[outcome] = (stats.outcomes[outcome] ?? 0) + 1;
        if (!FAILURES.has(outcome)) continue;
        const failure = { model: model.file, strategy, iteration, engine, outcome, message, reproducer: undefined as string | undefined };
        if (options.outDir) failure.reproducer = saveReproducer(options.outDir, options.seed, iteration, mutant, failure);
        stats.failures.push(failure);
      }
      options.onProgress?.(iteration + 1, stats);
    }
  } finally {
    await runner.close();
    stats.seconds = (performance.now() - started) / 1000;
  }
  return stats;
}

function saveReproducer(outDir: string, seed: number, iteration: number, mutant: Uint8Array, details: object): string {
  fs.mkdirSync(outDir, { recursive: true });
  const base = path.join(outDir, `seed${seed}-${iteration}`);
  fs.writeFileSync(`${base}.tflite`, mutant);
  fs.writeFileSync(`${base}.json`, JSON.stringify(details, null, 1) + '\n');
  return `${base}.tflite`;
}

/** Every model the fuzzer starts from: the repo's examples and fixtures, and ../shared's models. */
export function defaultCorpus(repoRoot: string, includeShared = true): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.tflite')) found.push(full);
    }
  };
  walk(path.join(repoRoot, 'examples'));
  walk(path.join(repoRoot, 'test', 'fixtures'));
  if (includeShared) {
    walk(path.join(repoRoot, '..', 'shared', 'conformance'));
    walk(path.join(repoRoot, '..', 'shared', 'models'));
  }
  return found.sort();
}
