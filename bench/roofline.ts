// The roofline of `npm run bench`: compiles the int8 dot-product loops of bench/roofline_loops.ts
// (AssemblyScript, with SIMD like the engine's SIMD build) and times them in GMAC/s.

import asc from 'assemblyscript/asc';
import type { BenchRecord } from './results.js';

export interface RooflineLoops {
  /** Writes pseudo-random int8 operands. */
  fill(seed: number): void;
  /** Each returns the sum of its dot products over `repeats` passes. */
  streamSimd(repeats: number): number;
  tileSimd(repeats: number): number;
  streamScalar(repeats: number): number;
  tileScalar(repeats: number): number;
  /** Bytes per operand row of the tile loops; the stream loops run over STREAM_LENGTH bytes. */
  DEPTH: WebAssembly.Global;
  STREAM_LENGTH: WebAssembly.Global;
}

export async function compileRoofline(repoRoot: string): Promise<RooflineLoops> {
  let binary: Uint8Array<ArrayBuffer> | undefined;
  const { error, stderr } = await asc.main(
    ['bench/roofline_loops.ts', '--outFile', 'roofline.wasm', '--runtime', 'stub', '--use', 'abort=', '-O3', '--enable', 'simd'],
    { readFile: undefined, baseDir: repoRoot, writeFile: (name: string, contents: Uint8Array) => { if (name.endsWith('.wasm')) binary = new Uint8Array(contents); } } as never,
  );
  if (error || !binary) throw new Error(`cannot compile bench/roofline_loops.ts: ${error?.message}\n${stderr.toString()}`);
  const { instance } = await WebAssembly.instantiate(binary, {});
  return instance.exports as unknown as RooflineLoops;
}

// Repeats per call: a call lasts tens of microseconds, so the call itself costs next to nothing.
const REPEATS = 16;

type TimeFn = (fn: () => void, options: object) => Promise<{ ms_median: number; ms_min: number; runs: number }>;
type RecordFn = (runtime: string, mode: string, model: string, timing: { ms_median: number; ms_min: number; runs: number }, macs: number, extra: object) => BenchRecord;

/** One record per loop and build (runtime "roofline", model the loop's name), in the peers' schema. */
export async function measureRoofline(repoRoot: string, seed: number, timeFn: TimeFn, record: RecordFn, timing: object): Promise<BenchRecord[]> {
  const loops = await compileRoofline(repoRoot);
  loops.fill(seed);
  const depth = loops.DEPTH.value as number;
  const streamLength = loops.STREAM_LENGTH.value as number;
  const cases: [string, 'simd' | 'scalar', (repeats: number) => number, number][] = [
    ['dot_stream', 'simd', loops.streamSimd, streamLength],
    ['dot_tile4x4', 'simd', loops.tileSimd, 16 * depth],
    ['dot_stream', 'scalar', loops.streamScalar, streamLength],
    ['dot_tile4x4', 'scalar', loops.tileScalar, 16 * depth],
  ];
  const records: BenchRecord[] = [];
  for (const [loop, mode, run, macsPerRepeat] of cases) {
    const measured = await timeFn(() => run(REPEATS), timing);
    records.push(record('roofline', mode, loop, measured, macsPerRepeat * REPEATS, {}));
  }
  return records;
}
