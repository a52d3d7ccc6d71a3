// npm run bench [-- --json] [--only a,b] [--runs N] [--max-seconds S] [--peers]
//
// Times the roofline loops (bench/roofline_loops.ts: the fastest int8 dot products of this machine's
// WebAssembly), then Interpreter.invoke() on every model in ../shared/models plus the digits
// example, with both engine builds, using the peer harness's timing code and JSON-lines schema
// (../shared/bench/peers/README.md), so that its report.mjs sets tinyq beside TFLite and ORT.
// One JSON line per measurement goes to stdout; a summary table goes to stderr unless --json.
//
// --peers also profiles each model (time per operator type), runs the peer harness
// (../shared/bench/peers/run_all.sh: TFLite native, tfjs-tflite, onnxruntime; several minutes)
// in the same run, and writes everything side by side to bench/RESULTS.md. The harness reads
// PYTHON (a Python with tensorflow, onnx, onnxruntime, torch) and PEERS_WORK (where its npm
// packages are installed) from the environment.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';
import { Interpreter } from '../src/index.js';
import type { EngineKind, TensorInfo, TypedArray } from '../src/index.js';
import { measureRoofline } from './roofline.js';
import { resultsMarkdown, type BenchRecord, type KernelProfile } from './results.js';

const USAGE = 'usage: [PYTHON=... PEERS_WORK=...] npm run bench -- [--json] [--only model,model] [--runs N] [--max-seconds S] [--peers]';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sharedModelsDir = path.resolve(repoRoot, '..', 'shared', 'models');
const peersDir = path.resolve(repoRoot, '..', 'shared', 'bench', 'peers');
const ENGINES: EngineKind[] = ['simd', 'scalar'];
const WASM_FILES: Record<EngineKind, string> = { simd: 'build/tinyq-simd.wasm', scalar: 'build/tinyq.wasm' };
// Every model and engine gets the same input stream, whatever --only selects.
const INPUT_SEED = 1234;

interface Timing {
  ms_median: number;
  ms_min: number;
  runs: number;
}

interface TimingOptions {
  runs?: number;
  maxSeconds?: number;
}

/** The parts of ../shared/bench/peers/bench_lib.mjs used here. */
interface BenchLib {
  timeFn(fn: () => void, options: TimingOptions): Promise<Timing>;
  record(runtime: string, mode: string, model: string, timing: Timing, macs: number, extra: object): BenchRecord;
}

interface TfliteFlatbuffer {
  tfliteMacs(bytes: Uint8Array): number;
}

interface Model {
  name: string;
  file: string;
}

/** A module of the peer harness, or null when shared/ is not beside the checkout. */
async function importPeers<T>(file: string): Promise<T | null> {
  const location = path.join(peersDir, file);
  return fs.existsSync(location) ? ((await import(pathToFileURL(location).href)) as T) : null;
}

function listModels(only: Set<string> | null): Model[] {
  const models: Model[] = [];
  if (fs.existsSync(sharedModelsDir)) {
    for (const file of fs.readdirSync(sharedModelsDir).filter((f) => f.endsWith('.tflite')).sort()) {
      models.push({ name: path.basename(file, '.tflite'), file: path.join(sharedModelsDir, file) });
    }
  } else {
    console.error(`note: ${sharedModelsDir} not found; only the digits example is benchmarked`);
  }
  models.push({ name: 'digits_cnn', file: path.join(repoRoot, 'examples', 'digits', 'model.tflite') });
  if (!only) return models;
  for (const name of only) if (!models.some((m) => m.name === name)) console.error(`note: no model named ${name}`);
  return models.filter((m) => only.has(m.name));
}

/** mulberry32, as the peer harness seeds its inputs. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform values over the input's raw integer range; floats in [-1, 1) for other dtypes. */
function randomInput(info: TensorInfo, random: () => number): TypedArray {
  const count = info.shape.reduce((a, b) => a * b, 1);
  const fill = <T extends TypedArray>(array: T, low: number, span: number): T => {
    for (let k = 0; k < count; k++) array[k] = Math.floor(random() * span) + low;
    return array;
  };
  switch (info.dtype) {
    case 'int8': return fill(new Int8Array(count), -128, 256);
    case 'uint8': return fill(new Uint8Array(count), 0, 256);
    case 'int16': return fill(new Int16Array(count), -32768, 65536);
    default: return Float32Array.from({ length: count }, () => random() * 2 - 1);
  }
}

function parseOptions() {
  try {
    return parseArgs({
      options: {
        json: { type: 'boolean', default: false },
        only: { type: 'string' },
        runs: { type: 'string' },
        'max-seconds': { type: 'string' },
        peers: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

function positiveNumber(text: string, option: string): number {
  const value = Number(text);
  if (!(value > 0)) {
    console.error(`${option} takes a positive number, got ${text}\n${USAGE}`);
    process.exit(2);
  }
  return value;
}

function readBuild(engine: EngineKind): Uint8Array {
  const file = path.join(repoRoot, WASM_FILES[engine]);
  if (!fs.existsSync(file)) {
    console.error(`${WASM_FILES[engine]} is missing: run npm run build`);
    process.exit(1);
  }
  return new Uint8Array(fs.readFileSync(file));
}

/** Time per operator type of every model on both builds, for the kernels-against-roofline table. */
async function profileModels(models: Model[]): Promise<KernelProfile[]> {
  const profiles: KernelProfile[] = [];
  for (const model of models) {
    for (const engine of ENGINES) {
      try {
        const interpreter = await Interpreter.load(model.file, { engine });
        const random = seededRandom(INPUT_SEED);
        interpreter.inputs.forEach((info, i) => interpreter.setInput(i, randomInput(info, random)));
        profiles.push({ model: model.name, engine, types: interpreter.profile().types });
      } catch (error) {
        console.error(`note: cannot profile ${model.name} on ${engine}: ${(error as Error).message}`);
      }
    }
  }
  return profiles;
}

/** Runs ../shared/bench/peers/run_all.sh on ../shared/models and returns its JSON lines. */
function runPeers(options: ReturnType<typeof parseOptions>): BenchRecord[] {
  const resultsFile = path.join(os.tmpdir(), `tinyq-peers-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`);
  const args = [path.join(peersDir, 'run_all.sh'), '--models', sharedModelsDir, '--results', resultsFile];
  if (options.only) args.push('--only', options.only);
  if (options.runs) args.push('--runs', options.runs);
  if (options['max-seconds']) args.push('--max-seconds', options['max-seconds']);
  console.error(`# peers: bash ${args.join(' ')} (PYTHON=${process.env.PYTHON ?? 'python3'}); this takes minutes`);
  // The harness prints its own table on stdout; stdout here is for JSON lines, so it goes to stderr.
  const result = spawnSync('bash', args, { cwd: repoRoot, stdio: ['ignore', process.stderr, process.stderr] });
  if (result.status !== 0 || !fs.existsSync(resultsFile)) {
    console.error(`the peer harness failed (exit ${result.status ?? result.signal}); bench/RESULTS.md is not written`);
    process.exit(1);
  }
  console.error(`# peers: results in ${resultsFile}`);
  return fs.readFileSync(resultsFile, 'utf8').split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as BenchRecord);
}

function machineDescription(): string {
  const cpus = os.cpus();
  const gib = (os.totalmem() / 2 ** 30).toFixed(1);
  const load = os.loadavg().map((x) => x.toFixed(1)).join(' ');
  return `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${gib} GiB, ${os.type()} ${os.release()} ${os.arch()}, Node ${process.version} (V8 ${process.versions.v8}); load average ${load} when the peers finished`;
}

function printTable(records: BenchRecord[], wasmBytes: Record<EngineKind, number>): void {
  const rows = [['model', 'mode', 'median ms', 'GMAC/s', 'arena bytes', 'lower bound']];
  for (const r of records) {
    if (r.error !== undefined) rows.push([r.model, r.mode, `error: ${r.error}`, '', '', '']);
    else rows.push([r.model, r.mode, r.ms_median!.toFixed(4), r.gmac_s?.toFixed(3) ?? '-', String(r.arena_bytes ?? ''), String(r.arena_lower_bound ?? '')]);
  }
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  for (const row of rows) console.error(row.map((cell, column) => (column < 2 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  '));
  console.error(ENGINES.map((engine) => `${WASM_FILES[engine]}: ${wasmBytes[engine]} bytes`).join(', '));
}

async function main(): Promise<void> {
  const options = parseOptions();
  // timeFn spreads these over its defaults: an option not given must be absent, not undefined.
  const timing: TimingOptions = {};
  if (options.runs !== undefined) timing.runs = positiveNumber(options.runs, '--runs');
  if (options['max-seconds'] !== undefined) timing.maxSeconds = positiveNumber(options['max-seconds'], '--max-seconds');
  const lib = await importPeers<BenchLib>('bench_lib.mjs');
  if (!lib) {
    console.error(`the benchmark times with ${path.join(peersDir, 'bench_lib.mjs')}, which is missing: check out tinyq beside shared/`);
    process.exit(1);
  }
  const flatbuffer = await importPeers<TfliteFlatbuffer>('tflite_fb.mjs');
  const version = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version as string;
  const builds = Object.fromEntries(ENGINES.map((engine) => [engine, readBuild(engine)])) as Record<EngineKind, Uint8Array>;
  const wasmBytes = Object.fromEntries(ENGINES.map((engine) => [engine, builds[engine].length])) as Record<EngineKind, number>;

  const records = await measureRoofline(repoRoot, INPUT_SEED, lib.timeFn, lib.record, timing);
  for (const record of records) console.log(JSON.stringify(record));
  const models = listModels(options.only ? new Set(options.only.split(',')) : null);
  for (const model of models) {
    for (const engine of ENGINES) {
      let record: BenchRecord;
      try {
        const bytes = new Uint8Array(fs.readFileSync(model.file));
        const interpreter = await Interpreter.load(bytes, { engine });
        const random = seededRandom(INPUT_SEED);
        interpreter.inputs.forEach((info, i) => interpreter.setInput(i, randomInput(info, random)));
        const measured = await lib.timeFn(() => interpreter.invoke(), timing);
        const macs = flatbuffer ? flatbuffer.tfliteMacs(bytes) : interpreter.macs;
        record = lib.record('tinyq', engine, model.name, measured, macs, {
          version,
          input_dtype: interpreter.inputs[0]?.dtype,
          arena_bytes: interpreter.arenaBytes,
          arena_lower_bound: interpreter.arenaLowerBound,
          wasm_bytes: wasmBytes[engine],
        });
      } catch (error) {
        record = { runtime: 'tinyq', mode: engine, model: model.name, error: (error as Error).message };
      }
      console.log(JSON.stringify(record));
      records.push(record);
    }
  }
  if (!options.json) printTable(records, wasmBytes);
  if (!options.peers) return;

  const profiles = await profileModels(models);
  const peerRecords = runPeers(options);
  const markdown = resultsMarkdown({
    date: new Date(),
    machine: machineDescription(),
    records: [...records, ...peerRecords],
    profiles,
    wasm: ENGINES.map((engine) => ({ file: WASM_FILES[engine], bytes: wasmBytes[engine], gzipBytes: zlib.gzipSync(builds[engine], { level: 9 }).length })),
    command: ['npm run bench -- --peers', ...process.argv.slice(2).filter((arg) => arg !== '--peers')].join(' '),
  });
  const resultsPath = path.join(repoRoot, 'bench', 'RESULTS.md');
  fs.writeFileSync(resultsPath, markdown);
  console.error(`wrote ${path.relative(process.cwd(), resultsPath)}`);
}

await main();
