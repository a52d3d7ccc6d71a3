// bench/RESULTS.md from made-up records: peers set beside tinyq per model (ONNX twins by their
// MACs), ratios tinyq ÷ peer, kernels against the roofline, footprint, errors. No timing here.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resultsMarkdown, type BenchRecord } from '../../bench/results.js';

const timed = (runtime: string, mode: string, model: string, ms: number, macs: number, extra: Partial<BenchRecord> = {}): BenchRecord =>
  ({ runtime, mode, model, ms_median: ms, ms_min: ms, runs: 10, macs, gmac_s: macs / (ms * 1e6), ...extra });

const records: BenchRecord[] = [
  timed('roofline', 'simd', 'dot_stream', 0.001, 20e3),
  timed('roofline', 'simd', 'dot_tile4x4', 0.001, 40e3),
  timed('roofline', 'scalar', 'dot_stream', 0.001, 2e3),
  timed('roofline', 'scalar', 'dot_tile4x4', 0.001, 4e3),
  timed('tinyq', 'simd', 'kws', 0.5, 2e6, { version: '0.1.0', arena_bytes: 16000, arena_lower_bound: 16000 }),
  timed('tinyq', 'scalar', 'kws', 2, 2e6, { version: '0.1.0', arena_bytes: 16256, arena_lower_bound: 16000 }),
  timed('tfjs-tflite', 'wasm-simd', 'kws', 0.25, 2e6, { version: 'alpha' }),
  timed('tfjs-tflite-nosimd', 'wasm', 'kws', 4, 2e6),
  timed('tflite-native', 'ref', 'kws', 1, 2e6, { note: 'patched quantized_dimension' }),
  timed('ort-web', 'wasm-simd', 'kws_twin_qdq', 1, 2e6),
  { runtime: 'tflite-native', mode: 'xnnpack', model: 'kws', error: 'delegate failed' },
];

const markdown = resultsMarkdown({
  date: new Date('2025-01-02T03:04:00Z'),
  machine: 'Test CPU, 2 cores',
  records,
  profiles: [{ model: 'kws', engine: 'simd', types: [{ name: 'CONV_2D', count: 2, ms: 0.4, share: 0.8, macs: 4e6, gmacPerSecond: 10 }] }],
  wasm: [{ file: 'build/tinyq-simd.wasm', bytes: 150000, gzipBytes: 50000 }],
  command: 'npm run bench -- --peers',
});

const row = (section: string, first: string) => {
  const part = markdown.split('\n## ').find((s) => s.startsWith(section)) ?? '';
  return part.split('\n').find((line) => line.startsWith(`| ${first} |`))?.split('|').slice(1, -1).map((c) => c.trim());
};

test('states the command, date and machine', () => {
  assert.match(markdown, /`npm run bench -- --peers` on 2025-01-02 03:04 UTC/);
  assert.match(markdown, /Machine: Test CPU, 2 cores/);
});

test('speed: one row per model, the ONNX twin in its TFLite model\'s row', () => {
  const speed = row('Speed', 'kws')!;
  assert.equal(speed.slice(0, 4), ['kws', '2.00', '0.500 (4.00)', '2.00 (1.00)']);
  assert.ok(speed.includes('1.00 (2.00)'), 'TFLite ref and ORT-web cells');
  assert.ok(speed.includes('error ¹'));
  assert.is(row('Speed', 'kws_twin_qdq'), undefined);
  assert.match(markdown, /ONNX Runtime runs kws_twin_qdq/);
  assert.match(markdown, /- tflite-native\/xnnpack kws: delegate failed/);
  assert.match(markdown, /- tflite-native\/ref kws: patched quantized_dimension/);
});

test('ratios: tinyq ms over the peer\'s', () => {
  const header = markdown.split('\n').find((line) => line.startsWith('| model | SIMD ÷ tfjs-tflite SIMD'))!;
  const columns = header.split('|').slice(1, -1).map((c) => c.trim());
  const ratios = Object.fromEntries(columns.map((name, k) => [name, row('tinyq ÷ peer', 'kws')![k]]));
  assert.is(ratios['SIMD ÷ tfjs-tflite SIMD'], '2.00');
  assert.is(ratios['scalar ÷ tfjs-tflite no-SIMD'], '0.50');
  assert.is(ratios['SIMD ÷ ORT-web SIMD ²'], '0.50');
  assert.is(ratios['scalar ÷ TFLite ref'], '2.00');
  assert.is(ratios['SIMD ÷ TFLite XNNPACK'], '');
});

test('roofline loops and each kernel\'s share of the best loop of its build', () => {
  assert.equal(row('Roofline', 'dot_tile4x4'), ['dot_tile4x4', '40.00', '4.00']);
  assert.equal(row('Roofline', 'kws')!.slice(0, 3), ['kws', 'simd', '10.00 (25%)']);
});

test('footprint: arena, lower bound and their ratio per build; engine sizes', () => {
  assert.equal(row('Footprint', 'kws'), ['kws', '16,000', '16,000', '1.000', '16,256', '16,000', '1.016']);
  assert.equal(row('Footprint', '`build/tinyq-simd.wasm`'), ['`build/tinyq-simd.wasm`', '150,000', '50,000']);
});

test.run();
