// bench/RESULTS.md: tinyq beside its peers, from the JSON lines of one `npm run bench -- --peers`
// run (tinyq's own records, the roofline loops, and ../shared/bench/peers/run_all.sh's records),
// with the per-operator-type profile and the footprint of each model.

import type { OperatorTypeProfile } from '../src/index.js';

/** One JSON line in the schema of ../shared/bench/peers/README.md. */
export interface BenchRecord {
  runtime: string;
  mode: string;
  model: string;
  ms_median?: number;
  ms_min?: number;
  runs?: number;
  macs?: number;
  gmac_s?: number;
  version?: string;
  note?: string;
  arena_bytes?: number;
  arena_lower_bound?: number;
  wasm_bytes?: number;
  error?: string;
}

export interface KernelProfile {
  model: string;
  engine: 'simd' | 'scalar';
  types: OperatorTypeProfile[];
}

export interface ResultsInput {
  date: Date;
  machine: string;
  records: BenchRecord[];
  profiles: KernelProfile[];
  wasm: { file: string; bytes: number; gzipBytes: number }[];
  command: string;
}

/** Peer columns in the order of the speed table: runtime/mode and a short heading. */
const PEER_COLUMNS: [string, string][] = [
  ['tflite-native/xnnpack', 'TFLite XNNPACK'],
  ['tflite-native/builtin', 'TFLite builtin'],
  ['tflite-native/ref', 'TFLite ref'],
  ['tfjs-tflite/wasm-simd', 'tfjs-tflite SIMD'],
  ['tfjs-tflite-nosimd/wasm', 'tfjs-tflite no-SIMD'],
  ['ort-web/wasm-simd', 'ORT-web SIMD ²'],
  ['ort-native/int8-qdq', 'ORT native ²'],
];

/** tinyq build ÷ peer column, for the ratio table. */
const RATIOS: [string, string, string][] = [
  ['tinyq/simd', 'tfjs-tflite/wasm-simd', 'SIMD ÷ tfjs-tflite SIMD'],
  ['tinyq/scalar', 'tfjs-tflite-nosimd/wasm', 'scalar ÷ tfjs-tflite no-SIMD'],
  ['tinyq/simd', 'ort-web/wasm-simd', 'SIMD ÷ ORT-web SIMD ²'],
  ['tinyq/simd', 'tflite-native/xnnpack', 'SIMD ÷ TFLite XNNPACK'],
  ['tinyq/simd', 'tflite-native/builtin', 'SIMD ÷ TFLite builtin'],
  ['tinyq/scalar', 'tflite-native/ref', 'scalar ÷ TFLite ref'],
];

/** The weighted operators, whose GMAC/s the roofline judges. */
const KERNELS = ['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED'];

const ENGINES = ['simd', 'scalar'] as const;

const count = (n: number) => n.toLocaleString('en-US');
const fixed = (x: number, digits: number) => x.toFixed(digits);
const msText = (ms: number) => (ms >= 100 ? fixed(ms, 0) : ms >= 10 ? fixed(ms, 1) : ms >= 1 ? fixed(ms, 2) : ms >= 0.1 ? fixed(ms, 3) : fixed(ms, 4));

function markdownTable(header: string[], rows: string[][], rightFrom = 1): string {
  const align = header.map((_, column) => (column >= rightFrom ? '---:' : '---'));
  return [header, align, ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n');
}

function cell(record: BenchRecord | undefined): string {
  if (!record) return '';
  if (record.error !== undefined) return 'error ¹';
  return `${msText(record.ms_median!)}${record.gmac_s !== undefined ? ` (${fixed(record.gmac_s, 2)})` : ''}`;
}

/**
 * The records by model and runtime/mode. ONNX-only models (ort-web, ort-native) are set on
 * the TFLite model with the same multiply-accumulates: make_onnx.py builds them as twins of
 * the MLPerf Tiny VWW and KWS architectures, with random weights.
 */
function byModel(records: BenchRecord[]): Map<string, Map<string, BenchRecord>> {
  const tinyqMacs = new Map(records.filter((r) => r.runtime === 'tinyq' && r.macs).map((r) => [r.macs!, r.model]));
  const models = new Map<string, Map<string, BenchRecord>>();
  for (const record of records) {
    if (record.runtime === 'roofline') continue;
    const twinOf = record.runtime.startsWith('ort-') && record.macs !== undefined ? tinyqMacs.get(record.macs) : undefined;
    const model = twinOf ?? record.model;
    if (!models.has(model)) models.set(model, new Map());
    models.get(model)!.set(`${record.runtime}/${record.mode}`, record);
  }
  return models;
}

function speedSection(models: Map<string, Map<string, BenchRecord>>, twins: string[]): string {
  const columns = PEER_COLUMNS.filter(([key]) => [...models.values()].some((cells) => cells.has(key)));
  const rows = [...models].filter(([, cells]) => cells.has('tinyq/simd')).map(([model, cells]) => {
    const macs = cells.get('tinyq/simd')?.macs;
    return [model, macs ? fixed(macs / 1e6, 2) : '', cell(cells.get('tinyq/simd')), cell(cells.get('tinyq/scalar')), ...columns.map(([key]) => cell(cells.get(key)))];
  });
  return [
    '## Speed',
    '',
    'Median milliseconds per inference (GMAC/s in parentheses), one thread.',
    '',
    markdownTable(['model', 'MMAC', 'tinyq SIMD', 'tinyq scalar', ...columns.map(([, heading]) => heading)], rows),
    '',
    twins.length > 0 ? `² ONNX Runtime runs ${twins.join(' and ')}: the same architecture and MACs as the TFLite model, with random weights (built by make_onnx.py), float input and a QuantizeLinear first.` : '',
  ].join('\n');
}

function ratioSection(models: Map<string, Map<string, BenchRecord>>): string {
  const ratios = RATIOS.filter(([, peer]) => [...models.values()].some((cells) => cells.has(peer)));
  const ratio = (cells: Map<string, BenchRecord>, ours: string, peer: string) => {
    const [a, b] = [cells.get(ours), cells.get(peer)];
    return a?.ms_median !== undefined && b?.ms_median !== undefined ? fixed(a.ms_median / b.ms_median, 2) : '';
  };
  const rows = [...models]
    .filter(([, cells]) => cells.has('tinyq/simd') && ratios.some(([, peer]) => cells.get(peer)?.ms_median !== undefined))
    .map(([model, cells]) => [model, ...ratios.map(([ours, peer]) => ratio(cells, ours, peer))]);
  return [
    '## tinyq ÷ peer',
    '',
    'Median ms of tinyq divided by the peer\'s, per model: below 1 tinyq is faster, 2.00 means it takes twice as long.',
    '',
    markdownTable(['model', ...ratios.map(([, , heading]) => heading)], rows),
  ].join('\n');
}

function rooflineSection(records: BenchRecord[], profiles: KernelProfile[]): string {
  const loops = records.filter((r) => r.runtime === 'roofline' && r.gmac_s !== undefined);
  const loopNames = [...new Set(loops.map((r) => r.model))];
  const gmac = (model: string, mode: string) => loops.find((r) => r.model === model && r.mode === mode)?.gmac_s;
  const peak = Object.fromEntries(ENGINES.map((engine) => [engine, Math.max(0, ...loops.filter((r) => r.mode === engine).map((r) => r.gmac_s!))]));
  const loopRows = loopNames.map((name) => [name, ...ENGINES.map((engine) => (gmac(name, engine) !== undefined ? fixed(gmac(name, engine)!, 2) : ''))]);

  const kernelCell = (profile: KernelProfile | undefined, kernel: string) => {
    const type = profile?.types.find((t) => t.name === kernel);
    if (!type || type.gmacPerSecond === null) return '';
    const share = peak[profile!.engine] > 0 ? ` (${fixed((100 * type.gmacPerSecond) / peak[profile!.engine], 0)}%)` : '';
    return `${fixed(type.gmacPerSecond, 2)}${share}`;
  };
  const kernelRows = [...new Set(profiles.map((p) => p.model))].flatMap((model) => ENGINES.map((engine) => {
    const profile = profiles.find((p) => p.model === model && p.engine === engine);
    return [model, engine, ...KERNELS.map((kernel) => kernelCell(profile, kernel)), profile ? `${fixed(100 * KERNELS.reduce((sum, k) => sum + (profile.types.find((t) => t.name === k)?.share ?? 0), 0), 0)}%` : ''];
  }));
  return [
    '## Roofline',
    '',
    'The fastest int8 dot-product loops this machine\'s WebAssembly ran (`bench/roofline_loops.ts`), in GMAC/s:',
    '`dot_stream` is one long dot product (two loads per multiply, like a depthwise convolution or a',
    'batch-1 fully connected layer), `dot_tile4x4` is 4 rows against 4 columns (a GEMM\'s register',
    'blocking, each load feeding four products). SIMD: `v128.load8x8_s` + `i32x4.dot_i16x8_s`; scalar:',
    'WebAssembly 1.0 instructions only.',
    '',
    markdownTable(['loop', 'SIMD GMAC/s', 'scalar GMAC/s'], loopRows),
    '',
    'Kernels against it: GMAC/s of each weighted operator type over a model (`Interpreter.profile`,',
    'median per operator), and in parentheses the share of the best loop of the same build.',
    'The last column is the share of the model\'s time spent in these three types.',
    '',
    markdownTable(['model', 'build', ...KERNELS, 'time in them'], kernelRows, 2),
  ].join('\n');
}

function footprintSection(models: Map<string, Map<string, BenchRecord>>, wasm: ResultsInput['wasm']): string {
  const arenaCells = (record: BenchRecord | undefined) => {
    if (!record?.arena_bytes || !record.arena_lower_bound) return ['', '', ''];
    return [count(record.arena_bytes), count(record.arena_lower_bound), fixed(record.arena_bytes / record.arena_lower_bound, 3)];
  };
  const rows = [...models].filter(([, cells]) => cells.has('tinyq/simd')).map(([model, cells]) => [model, ...ENGINES.flatMap((engine) => arenaCells(cells.get(`tinyq/${engine}`)))]);
  return [
    '## Footprint',
    '',
    'Arena: the bytes of all activations and scratch buffers, as the planner placed them. Lower bound:',
    'the largest sum of activation and scratch bytes alive at one operator (each rounded up to 16), over',
    'the planner\'s lifetimes; no placement needs less. The builds differ where a SIMD kernel needs',
    'different scratch.',
    '',
    markdownTable(['model', 'SIMD arena', 'SIMD bound', 'SIMD ratio', 'scalar arena', 'scalar bound', 'scalar ratio'], rows),
    '',
    markdownTable(['engine', 'bytes', 'gzip -9 bytes'], wasm.map(({ file, bytes, gzipBytes }) => [`\`${file}\``, count(bytes), count(gzipBytes)])),
  ].join('\n');
}

export function resultsMarkdown(input: ResultsInput): string {
  const models = byModel(input.records);
  const twins = [...new Set(input.records.filter((r) => r.runtime.startsWith('ort-') && !r.error).map((r) => r.model))];
  const errors = input.records.filter((r) => r.error !== undefined).map((r) => `- ${r.runtime}/${r.mode} ${r.model}: ${r.error}`);
  const notes = [...new Set(input.records.filter((r) => r.note).map((r) => `- ${r.runtime}/${r.mode} ${r.model}: ${r.note}`))];
  const versions = [...new Set(input.records.filter((r) => r.version && !r.error).map((r) => `${r.runtime} ${r.version}`))];
  return [
    '# tinyq benchmark results',
    '',
    `Written by \`${input.command}\` on ${input.date.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    '',
    `Machine: ${input.machine}. Versions: ${versions.join(', ')}.`,
    '',
    'Every runtime runs single-threaded on the same int8 models (`../shared/models`) with the timing',
    'method of `../shared/bench/peers` (warm-up until V8 has tiered up, then the median of samples). The',
    'machine is shared: compare figures of the same run, and expect some percent of noise.',
    '',
    speedSection(models, twins),
    '',
    ratioSection(models),
    '',
    rooflineSection(input.records, input.profiles),
    '',
    footprintSection(models, input.wasm),
    ...(notes.length > 0 ? ['', '## Notes', '', ...notes] : []),
    ...(errors.length > 0 ? ['', '¹ Errors:', '', ...errors] : []),
    '',
  ].join('\n');
}
