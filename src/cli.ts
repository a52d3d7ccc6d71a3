#!/usr/bin/env node
// The tinyq command line: `inspect` describes a model, `run` invokes it on raw tensor files
// or on sensor recordings (images, WAV, CSV) shaped and quantized for the model's input,
// `convert` turns an ONNX model into a .tflite file, `quantize` a float model into an integer
// one, `eval` measures a classifier's accuracy, `report` and `sweep` compare quantizations.
// A user's mistake ends as one line on stderr: exit 2 for a command line that cannot be
// understood, 1 for a model or file that cannot be used. Only internal bugs print a stack.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { convertOnnx, Interpreter, looksLikeOnnx, TinyqError, type EngineChoice, type OperatorInfo, type Profile, type TensorInfo } from './index.js';
import { KNOWN_MODELS } from './known_models.js';
import { CALIBRATORS, accuracy, quantizeModel, type Calibrator, type IoType, type QuantizationMode, type WeightBits } from './quantizer/index.js';
import { parseArrayFile, samplesOf } from './quantizer/data.js';
import { compareModels, type ModelComparison } from './quantizer/report.js';
import { sweep, sweepChart, type SweepPoint } from './quantizer/sweep.js';
import { isAutoencoder, reconstructionError } from './sensors/anomaly.js';
import { sensorInputs, type SensorInput, type SensorKind } from './sensors/files.js';

/** A command line that cannot be understood (exit code 2). */
class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed = ReturnType<typeof parseArgs<{ options: Options; allowPositionals: true; strict: true; tokens: true }>>;

interface Command {
  help: string;
  options: Options;
  /** Runs the command on parsed arguments (never called with --help). */
  run(parsed: Parsed): Promise<void>;
}

const ENGINES: readonly EngineChoice[] = ['auto', 'simd', 'scalar'];
const PLANNED_COMMANDS = ['bench'];
const DEFAULT_TOP = 3;
const WASM_PAGE_BYTES = 65536;

const USAGE = `Usage: tinyq <command> [options]

Runs int8 and float32 TensorFlow Lite models (and ONNX models, converted at load) in the
tinyq WebAssembly engine, and quantizes float models to int8.

Commands:
  inspect MODEL             operators, tensors, quantization, memory and MACs of a model
  run MODEL --input FILE... invoke a model on raw input tensor files
  run MODEL --image|--wav|--csv FILE...
                            invoke a model on images, audio or time series recordings
  convert MODEL.onnx -o MODEL.tflite
                            convert an ONNX model to a TFLite model
  quantize FLOAT.tflite --calib DATA -o OUT.tflite
                            quantize a float32 model to int8 with calibration data
  eval MODEL --inputs FILE --labels FILE
                            top-1 accuracy of a classifier
  report FLOAT.tflite QUANT.tflite --inputs FILE [--labels FILE]
                            accuracy and per-layer error of a quantized model
  sweep FLOAT.tflite --calib DATA --inputs FILE --labels FILE
                            quantize with every calibrator and bit width, compare

Options:
  -h, --help                show this help ('tinyq <command> --help' for a command)
  --version                 print the tinyq version`;

const COMMON_OPTIONS = {
  engine: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} satisfies Options;

const ENGINE_HELP = `  --engine auto|simd|scalar  engine build (default auto: SIMD where the runtime supports it)`;

const INSPECT: Command = {
  help: `Usage: tinyq inspect MODEL [options]

Describes a .tflite or .onnx model as the engine prepared it (ONNX is converted
first): operator counts and versions, each operator's tensor shapes, MACs and
scratch, the input and output tensors with their quantization, the arena and its
lower bound, the linear memory the engine needs for the model (its data, the model,
prepared parameters and arena, in bytes and 64 KiB pages: the limit to give a
WebAssembly runtime) and the MACs of one invocation.

Options:
${ENGINE_HELP}
  --json                     print one JSON object instead of tables
  -h, --help                 show this help

An operator's scratch is arena bytes it uses only while it runs. The arena's lower
bound is the largest sum of activation and scratch bytes alive at one operator (each
rounded up to 16 bytes): no placement of the activations needs less.`,
  options: COMMON_OPTIONS,
  run: inspect,
};

/** Runs of `run --profile` (each operator's time is the median over them). */
const PROFILE_RUNS = 20;

const RUN: Command = {
  help: `Usage: tinyq run MODEL --input FILE... [options]
       tinyq run MODEL --image FILE... | --wav FILE... | --csv FILE... [options]

Invokes MODEL on raw little-endian tensor files, one per model input in the model's
input order; each file must hold exactly its input's bytes. With I inputs, k*I files
make k invocations on one interpreter (state carries over), sample-major: sample 0's
I files, then sample 1's, and so on.

Or invokes a one-input MODEL on sensor recordings, made into its input from the
input's shape and quantization:
  --image  BMP, PNG or JPEG; converted to the input's channels (gray or RGB), center-
           cropped to its aspect ratio, resized; pixel p becomes p - 128 (int8 input)
  --wav    16-bit PCM mono; the audio front-end whose features have the input's shape:
           49x10 MFCC of MLPerf Tiny KWS (each second of the file is one clip), or
           5x128 log-mel of MLPerf Tiny AD (windows sliding one frame over the file)
  --csv    one sample per row (a header line is skipped); consecutive windows of the
           input's length, each quantized with the input's scale and zero point
A model whose output has its input's shape (an autoencoder) gets one anomaly score per
file: the mean squared reconstruction error over the file's windows. Known published
models (MLPerf Tiny, person_detect) name their classes without --labels.

Options:
  -i, --input FILE...        input tensor files
  --image FILE...            image files
  --wav FILE...              WAV files
  --csv FILE...              CSV files
  -o, --output-dir DIR       write the raw bytes of output j to DIR/out{j}.bin, or
                             DIR/s{k}_out{j}.bin for sample k of several
  --labels FILE              class names, one per line, for the top-K list
  --top K                    classes listed per classifier output (default ${DEFAULT_TOP})
  --profile                  after the run, time each operator on the last sample's
                             input (median of ${PROFILE_RUNS} runs after a warm-up) and print
                             a table per operator and per operator type
${ENGINE_HELP}
  --json                     print {"outputs":[{name,dtype,shape,values,top}],"ms"},
                             or {"samples":[{outputs,ms},...]} for several samples
                             (sensor samples add "input": the file and window;
                             anomaly scores print {"input","windows","score","ms"});
                             --profile adds "profile": {engine,runs,ms,invokeMs,macs,
                             operators:[{index,name,ms,macs,gmacPerSecond}],types:[...]}
  -h, --help                 show this help

A classifier output (rank <= 2, a single row) is summarised by its top-K classes
with dequantized scores; "ms" is the wall time of invoke.

Examples:
  tinyq run examples/digits/model.tflite --input examples/digits/digit_3.bin \\
    --labels examples/digits/labels.txt
  tinyq run ../shared/models/person_detect.tflite --image ../shared/data/person.png
  tinyq run ../shared/models/kws_ref_model.tflite --wav ../shared/data/yes_1000ms.wav`,
  options: {
    ...COMMON_OPTIONS,
    input: { type: 'string', short: 'i', multiple: true },
    image: { type: 'string', multiple: true },
    wav: { type: 'string', multiple: true },
    csv: { type: 'string', multiple: true },
    'output-dir': { type: 'string', short: 'o' },
    labels: { type: 'string' },
    top: { type: 'string' },
    profile: { type: 'boolean' },
  },
  run,
};

const CONVERT: Command = {
  help: `Usage: tinyq convert MODEL.onnx -o MODEL.tflite

Converts an ONNX model to a TFLite model. Quantized models (QDQ: QuantizeLinear /
DequantizeLinear around float operators; QOperator: QLinearConv, QGemm, ...) become
int8 TFLite operators; uint8 tensors become int8 with their zero point shifted by 128.
Images move from NCHW to NHWC inside the graph; the model's inputs and outputs keep
the ONNX layout and element types. A float model becomes a float TFLite model.
'tinyq run' and 'tinyq inspect' also take .onnx files directly.

Options:
  -o, --output FILE          the .tflite file to write (required)
  -h, --help                 show this help

Example:
  tinyq convert model_qdq.onnx -o model.tflite`,
  options: {
    output: { type: 'string', short: 'o' },
    help: { type: 'boolean', short: 'h' },
  },
  run: convert,
};

const SAMPLES_HELP = `Sample files are raw little-endian float32 values, N samples of the model input's
shape back to back, or .npy arrays; labels are raw uint8 class indices or .npy.`;

const QUANTIZE: Command = {
  help: `Usage: tinyq quantize FLOAT.tflite --calib DATA -o OUT.tflite [options]

Quantizes a float32 TFLite model following TensorFlow Lite's quantization spec: int8
weights, symmetric per output channel; int32 bias with scale input x weight scale;
asymmetric int8 activations whose ranges come from running the float model (in tinyq's
engine) over the calibration samples; fixed output scales for SOFTMAX, LOGISTIC, TANH;
one scale shared where the integer kernels need it (CONCATENATION, RESHAPE, PAD,
pooling). Operators without an integer kernel stay float between DEQUANTIZE and
QUANTIZE. A progress bar goes to stderr when it is a terminal.

Options:
  --calib DATA               calibration samples (repeat once per model input, in order)
  -o, --output FILE          the .tflite file to write (required)
  --calibrator NAME          minmax (default, as TFLite's converter), percentile
                             (99.99% of the values), mse (least quantization error),
                             entropy (KL-divergence threshold, as TensorRT)
  --per-tensor               one weight scale per tensor instead of per channel
  --io int8|uint8|float32    model input/output type (default int8; float32 adds
                             QUANTIZE/DEQUANTIZE at the edges)
  --mode int8|int16x8        activation type (16x8: int16 activations, int8 weights;
                             --io int8 then means int16 inputs and outputs)
  --weight-bits 8|4          4: weights in [-8, 7], packed two per byte (TFLite int4)
  --weight-clusters K        non-uniform weights: k-means gives each output channel at
                             most K distinct weights (2 to 256); the model stays plain
                             int8 TFLite and compresses well
  --keep-float OP|TENSOR     keep in float: an operator name (SOFTMAX), an operator
                             index (#3) or an output tensor's name; repeatable
${ENGINE_HELP}
  --json                     print {"output","bytes","keptFloat":[...]}
  -h, --help                 show this help

${SAMPLES_HELP}

Example:
  tinyq quantize model_float.tflite --calib calib_float.bin -o model_int8.tflite`,
  options: {
    ...COMMON_OPTIONS,
    calib: { type: 'string', multiple: true },
    output: { type: 'string', short: 'o' },
    calibrator: { type: 'string' },
    'per-tensor': { type: 'boolean' },
    io: { type: 'string' },
    mode: { type: 'string' },
    'weight-bits': { type: 'string' },
    'weight-clusters': { type: 'string' },
    'keep-float': { type: 'string', multiple: true },
  },
  run: quantize,
};

const EVAL: Command = {
  help: `Usage: tinyq eval MODEL --inputs FILE --labels FILE [options]

Top-1 accuracy of a one-input classifier: each sample is quantized with the model's own
input scale and zero point (a float input takes it as is), the model is invoked, and the
largest output is compared with the label.

Options:
  --inputs FILE              samples (float32, N x the input's shape, or .npy)
  --labels FILE              labels (uint8, or .npy)
${ENGINE_HELP}
  --json                     print {"accuracy":..,"count":..}
  -h, --help                 show this help

${SAMPLES_HELP}`,
  options: { ...COMMON_OPTIONS, inputs: { type: 'string' }, labels: { type: 'string' } },
  run: evaluate,
};

const REPORT: Command = {
  help: `Usage: tinyq report FLOAT.tflite QUANT.tflite --inputs FILE [--labels FILE] [options]

Compares a quantized model with its float model on the same samples: the accuracy of
both (with --labels), how often their top-1 classes agree, the file sizes, and per
layer the error of the quantized tensor (dequantized) against the float one: SQNR in dB
(higher is better) and RMSE, and 'own': the SQNR of the error the layer adds to the
error of its inputs. The three layers with the lowest own SQNR are flagged with '<<'.
Tensors are matched by name, as 'tinyq quantize' keeps them.

Options:
  --inputs FILE              samples (float32, N x the input's shape, or .npy)
  --labels FILE              labels (uint8, or .npy)
${ENGINE_HELP}
  --json                     print one JSON object
  -h, --help                 show this help`,
  options: { ...COMMON_OPTIONS, inputs: { type: 'string' }, labels: { type: 'string' } },
  run: report,
};

const SWEEP: Command = {
  help: `Usage: tinyq sweep FLOAT.tflite --calib DATA --inputs FILE --labels FILE [options]

Quantizes the model with each calibrator (minmax, percentile, mse, entropy) with 8-bit
and 4-bit weights, and in 16x8 mode, and with 16 k-means weight clusters, evaluates
every result and prints a table of accuracy and model size (also gzip-compressed, what
clustered weights gain), to choose the precision.

Options:
  --calib DATA               calibration samples
  --inputs FILE              evaluation samples
  --labels FILE              evaluation labels
  --svg FILE                 also draw accuracy against size as an SVG chart
  --json                     print the points as JSON
  -h, --help                 show this help`,
  options: {
    json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    calib: { type: 'string', multiple: true }, inputs: { type: 'string' }, labels: { type: 'string' }, svg: { type: 'string' },
  },
  run: runSweep,
};

const COMMANDS: Record<string, Command> = { inspect: INSPECT, run: RUN, convert: CONVERT, quantize: QUANTIZE, eval: EVAL, report: REPORT, sweep: SWEEP };

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(name === 'help' && rest.length > 0 ? commandNamed(rest[0]).help : USAGE);
    return;
  }
  if (name === '--version') {
    console.log(packageVersion());
    return;
  }
  const command = commandNamed(name);
  const parsed = parseCommandLine(name, command, rest);
  if (parsed.values.help) console.log(command.help);
  else await command.run(parsed);
}

function commandNamed(name: string): Command {
  const command = COMMANDS[name];
  if (command) return command;
  if (PLANNED_COMMANDS.includes(name)) throw new UsageError(`'${name}' is not implemented yet; the commands are ${Object.keys(COMMANDS).join(', ')}`);
  const what = name.startsWith('-') ? 'option' : 'command';
  throw new UsageError(`unknown ${what} '${name}' (see 'tinyq --help')`);
}

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

/** parseArgs, with its errors reduced to their first sentence as usage errors. */
function parseCommandLine(name: string, command: Command, args: string[]): Parsed {
  try {
    return parseArgs({ args, options: command.options, allowPositionals: true, strict: true, tokens: true });
  } catch (error) {
    const message = (error as Error).message.split('. ')[0];
    throw new UsageError(`${message[0].toLowerCase()}${message.slice(1)} (see 'tinyq ${name} --help')`);
  }
}

function engineOption(parsed: Parsed): EngineChoice {
  const engine = (parsed.values.engine as string | undefined) ?? 'auto';
  if (!ENGINES.includes(engine as EngineChoice)) throw new UsageError(`--engine must be one of ${ENGINES.join(', ')}; got '${engine}'`);
  return engine as EngineChoice;
}

function topOption(parsed: Parsed): number {
  const top = parsed.values.top as string | undefined;
  if (top === undefined) return DEFAULT_TOP;
  if (!/^[1-9]\d*$/.test(top)) throw new UsageError(`--top must be a positive integer; got '${top}'`);
  return Number(top);
}

/** Runs a file operation, turning its failure into a TinyqError that names the file and the reason. */
async function onFile<T>(action: string, path: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw new TinyqError('IO_ERROR', `cannot ${action} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

// ---------------------------------------------------------------- text formatting

/** Rows padded to their columns' widest cells; `right` lists the right-aligned columns. */
function table(rows: string[][], right: number[] = [], indent = '  '): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const line = (row: string[]) => row.map((cell, column) => (right.includes(column) ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join('  ');
  return rows.map((row) => `${indent}${line(row)}`.trimEnd()).join('\n');
}

const count = (n: number) => n.toLocaleString('en-US');
const shapeText = (shape: number[] | null) => (shape ? `[${shape.join(',')}]` : '-');

// ---------------------------------------------------------------- inspect

interface OperatorReport extends OperatorInfo {
  /** Shapes of the operator's tensors; null for an omitted optional input. */
  inputShapes: (number[] | null)[];
  outputShapes: (number[] | null)[];
}

interface ModelReport {
  model: string;
  bytes: number;
  engine: string;
  arenaLowerBound: number;
  arenaBytes: number;
  requantizationRoundings: number;
  memoryBytes: number;
  /** memoryBytes in 64 KiB WebAssembly pages. */
  memoryPages: number;
  macs: number;
  operatorCounts: Record<string, number>;
  operators: OperatorReport[];
  inputs: TensorInfo[];
  outputs: TensorInfo[];
}

async function inspect(parsed: Parsed): Promise<void> {
  const [model, ...extra] = parsed.positionals;
  if (model === undefined) throw new UsageError(`missing MODEL (see 'tinyq inspect --help')`);
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}' (see 'tinyq inspect --help')`);
  const interpreter = await Interpreter.load(model, { engine: engineOption(parsed) });
  const report = describeModel(model, interpreter);
  console.log(parsed.values.json ? JSON.stringify(report) : modelText(report));
}

function describeModel(model: string, interpreter: Interpreter): ModelReport {
  // TFLite marks an omitted optional operand (a conv without bias, say) with tensor -1.
  const shapeOf = (tensor: number) => (tensor < 0 ? null : interpreter.tensor(tensor).shape);
  const operators = interpreter.operators().map((op) => ({ ...op, inputShapes: op.inputs.map(shapeOf), outputShapes: op.outputs.map(shapeOf) }));
  const operatorCounts: Record<string, number> = {};
  for (const op of operators) operatorCounts[op.name] = (operatorCounts[op.name] ?? 0) + 1;
  return {
    model,
    bytes: interpreter.modelBytes,
    engine: interpreter.engine,
    arenaLowerBound: interpreter.arenaLowerBound,
    arenaBytes: interpreter.arenaBytes,
    requantizationRoundings: interpreter.requantizationRoundings,
    memoryBytes: interpreter.memoryBytes,
    memoryPages: Math.ceil(interpreter.memoryBytes / WASM_PAGE_BYTES),
    macs: operators.reduce((sum, op) => sum + op.macs, 0),
    operatorCounts,
    operators,
    inputs: interpreter.inputs,
    outputs: interpreter.outputs,
  };
}

function modelText(report: ModelReport): string {
  const versions = (name: string) => [...new Set(report.operators.filter((op) => op.name === name).map((op) => `v${op.version}`))].join(',');
  const counts = Object.entries(report.operatorCounts).map(([name, n]) => `${name} x${n} (${versions(name)})`);
  const summary = table([
    ['model', report.model],
    ['size', `${count(report.bytes)} bytes`],
    ['engine', report.engine],
    ['arena lower bound', `${count(report.arenaLowerBound)} bytes${report.arenaLowerBound > 0 ? ` (arena / bound ${(report.arenaBytes / report.arenaLowerBound).toFixed(3)})` : ''}`],
    ['arena', `${count(report.arenaBytes)} bytes`],
    ['requantization', report.requantizationRoundings === 1 ? 'single rounding (model metadata; TFLITE_SINGLE_ROUNDING)' : 'double rounding (TFLite reference)'],
    ['engine memory', `${count(report.memoryBytes)} bytes (${report.memoryPages} page${report.memoryPages === 1 ? '' : 's'} of 64 KiB)`],
    ['MACs', count(report.macs)],
    ['operators', counts.join(', ')],
  ], [], '');
  const operators = table([
    ['#', 'operator', 'version', 'inputs', 'outputs', 'MACs', 'scratch'],
    ...report.operators.map((op) => [String(op.index), op.name, `v${op.version}`, op.inputShapes.map(shapeText).join(' '), op.outputShapes.map(shapeText).join(' '), count(op.macs), count(op.scratchBytes)]),
  ], [0, 5, 6]);
  return [summary, '', 'operators', operators, '', 'inputs', tensorTable(report.inputs), '', 'outputs', tensorTable(report.outputs)].join('\n');
}

function tensorTable(tensors: TensorInfo[]): string {
  return table([
    ['#', 'name', 'dtype', 'shape', 'scale', 'zero point', 'bytes'],
    ...tensors.map((t, i) => [String(i), t.name, t.dtype, shapeText(t.shape), t.quantized ? String(Number(t.scale.toPrecision(6))) : '-', t.quantized ? String(t.zeroPoint) : '-', count(t.bytes)]),
  ], [0, 5, 6]);
}

// ---------------------------------------------------------------- run

interface Sample {
  files: string[];
  bytes: Uint8Array[];
  /** The recording and window a sensor sample was made from. */
  input?: string;
}

interface TopClass {
  index: number;
  score: number;
  label?: string;
}

interface OutputResult {
  info: TensorInfo;
  bytes: Uint8Array;
  /** Dequantized values (raw values for a tensor that is not quantized). */
  values: number[];
  /** Only for a classifier-like output. */
  top?: TopClass[];
}

interface SampleResult {
  files: string[];
  input?: string;
  ms: number;
  outputs: OutputResult[];
}

/** The anomaly score of one recording through an autoencoder. */
interface ReconstructionResult {
  input: string;
  windows: number;
  /** Mean over the windows of the mean squared error between the input and its reconstruction. */
  score: number;
  ms: number;
}

/** What a run's files are: raw tensors (--input) or recordings for a sensor front-end. */
type Source = 'input' | SensorKind;
const SOURCES: readonly Source[] = ['input', 'image', 'wav', 'csv'];

async function run(parsed: Parsed): Promise<void> {
  const { model, source, files } = runOperands(parsed);
  const top = topOption(parsed);
  const engine = engineOption(parsed);
  const outputDir = parsed.values['output-dir'] as string | undefined;
  const labelsPath = parsed.values.labels as string | undefined;
  const modelBytes = new Uint8Array(await onFile('read model', model, () => readFile(model)));
  const labels = labelsPath === undefined ? KNOWN_MODELS[sha256(modelBytes)]?.labels : await readLabels(labelsPath);
  const interpreter = await Interpreter.load(modelBytes, { engine });
  if (source !== 'input' && isAutoencoder(interpreter)) {
    if (outputDir !== undefined) throw new UsageError(`--output-dir writes classifier outputs; an autoencoder run prints anomaly scores (see 'tinyq run --help')`);
    const scores = [];
    let lastWindow: SensorInput | undefined;
    for (const file of files) {
      const windows = await readSensorInputs(interpreter, source, file);
      const { score, invokeMs } = reconstructionError(interpreter, windows);
      scores.push({ input: file, windows: windows.length, score, ms: Number(invokeMs.toFixed(3)) });
      lastWindow = windows.at(-1) ?? lastWindow;
    }
    let profile: Profile | undefined;
    if (parsed.values.profile && lastWindow) {
      interpreter.setInput(0, lastWindow.values);
      profile = interpreter.profile(PROFILE_RUNS);
    }
    if (parsed.values.json) console.log(JSON.stringify({ ...(scores.length === 1 ? scores[0] : { samples: scores }), ...(profile && { profile }) }));
    else console.log([...scores.map(reconstructionText), ...(profile ? [profileText(profile)] : [])].join('\n\n'));
    return;
  }
  const samples = source === 'input' ? await readSamples(interpreter.inputs, files) : await readSensorSamples(interpreter, source, files);
  const results = samples.map((sample) => invokeSample(interpreter, sample, top, labels));
  const written = outputDir === undefined ? [] : await writeOutputs(outputDir, results);
  // Profiled after the outputs are read, so a recurrent model's state does not touch them.
  let profile: Profile | undefined;
  if (parsed.values.profile) {
    samples.at(-1)!.bytes.forEach((bytes, i) => interpreter.setInputBytes(i, bytes));
    profile = interpreter.profile(PROFILE_RUNS);
  }
  if (parsed.values.json) console.log(JSON.stringify({ ...resultsJson(results), ...(profile && { profile }) }));
  else {
    const report = outputDir !== undefined ? written.map(({ path, bytes }) => `wrote ${path} (${count(bytes)} bytes)`).join('\n') : results.map(sampleText).join('\n\n');
    console.log(profile ? `${report}\n\n${profileText(profile)}` : report);
  }
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * MODEL is the first positional; every positional after --input, --image, --wav or --csv
 * (up to the next option) is a file of that kind, so `--input a.bin b.bin` and
 * `--input a.bin --input b.bin` both work. One run takes one kind of file.
 */
function runOperands(parsed: Parsed): { model: string; source: Source; files: string[] } {
  let model: string | undefined;
  const files: string[] = [];
  const sources = new Set<Source>();
  let current: Source | undefined;
  for (const token of parsed.tokens) {
    if (token.kind === 'option') {
      current = SOURCES.find((source) => source === token.name);
      if (current) sources.add(current);
      if (current && token.value !== undefined) files.push(token.value);
    } else if (token.kind === 'option-terminator') {
      current = undefined;
    } else if (current) {
      files.push(token.value);
    } else if (model === undefined) {
      model = token.value;
    } else {
      throw new UsageError(`unexpected argument '${token.value}'; input files follow --input, --image, --wav or --csv (see 'tinyq run --help')`);
    }
  }
  if (model === undefined) throw new UsageError(`missing MODEL (see 'tinyq run --help')`);
  if (sources.size > 1) throw new UsageError(`one run takes one kind of file; got ${[...sources].map((source) => `--${source}`).join(' and ')}`);
  if (files.length === 0) throw new UsageError(`missing input files: give --input FILE (one raw tensor per model input) or --image, --wav or --csv FILE (see 'tinyq run --help')`);
  return { model, source: [...sources][0], files };
}

async function readLabels(path: string): Promise<string[]> {
  const text = await onFile('read labels', path, () => readFile(path, 'utf8'));
  return text.replace(/\r?\n$/, '').split(/\r?\n/);
}

/** The files grouped into samples of one file per model input, each checked against its input's size. */
async function readSamples(inputs: TensorInfo[], files: string[]): Promise<Sample[]> {
  if (files.length % inputs.length !== 0) {
    const names = inputs.map((input) => input.name).join(', ');
    throw new TinyqError('INVALID_ARGUMENT', `the model has ${inputs.length} input(s) (${names}), so the number of input files must be a multiple of ${inputs.length}; got ${files.length}`);
  }
  const bytes = await Promise.all(files.map((file) => onFile('read input', file, () => readFile(file))));
  bytes.forEach((data, f) => {
    const i = f % inputs.length;
    const input = inputs[i];
    if (data.length !== input.bytes) {
      throw new TinyqError('INVALID_INPUT', `input file ${files[f]} has ${count(data.length)} bytes; model input ${i} (${input.name}) takes ${count(input.bytes)} bytes (${input.dtype} ${shapeText(input.shape)})`);
    }
  });
  return Array.from({ length: files.length / inputs.length }, (_, k) => {
    const [start, end] = [k * inputs.length, (k + 1) * inputs.length];
    return { files: files.slice(start, end), bytes: bytes.slice(start, end) };
  });
}

/** The model inputs of one recording (a sensor front-end fed from the model's only input). */
async function readSensorInputs(interpreter: Interpreter, kind: SensorKind, file: string): Promise<SensorInput[]> {
  const inputs = interpreter.inputs;
  if (inputs.length !== 1) throw new TinyqError('INVALID_ARGUMENT', `--${kind} feeds models with one input; this one has ${inputs.length} (give raw tensors with --input)`);
  const bytes = new Uint8Array(await onFile(`read ${kind}`, file, () => readFile(file)));
  try {
    return await sensorInputs(kind, bytes, file, inputs[0]);
  } catch (error) {
    if (error instanceof TinyqError && !error.message.includes(file)) throw new TinyqError(error.code, `${file}: ${error.message}`);
    throw error;
  }
}

/** One sample per window of every recording, in order. */
async function readSensorSamples(interpreter: Interpreter, kind: SensorKind, files: string[]): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (const file of files) {
    for (const window of await readSensorInputs(interpreter, kind, file)) {
      const { buffer, byteOffset, byteLength } = window.values;
      samples.push({ files: [file], bytes: [new Uint8Array(buffer, byteOffset, byteLength)], input: window.name });
    }
  }
  return samples;
}

function reconstructionText(result: ReconstructionResult, k: number): string {
  return [
    `sample ${k}: ${result.input} (${count(result.windows)} window${result.windows === 1 ? '' : 's'}, ${result.ms.toFixed(3)} ms)`,
    `  anomaly score ${result.score.toFixed(4)}  (mean squared reconstruction error)`,
  ].join('\n');
}

function invokeSample(interpreter: Interpreter, sample: Sample, top: number, labels?: readonly string[]): SampleResult {
  sample.bytes.forEach((bytes, i) => interpreter.setInputBytes(i, bytes));
  const start = performance.now();
  interpreter.invoke();
  const ms = performance.now() - start;
  const outputs = interpreter.outputs.map((info, j) => {
    const values = Array.from(interpreter.output(j, 'float'), Number);
    const result: OutputResult = { info, bytes: interpreter.outputBytes(j), values };
    if (isClassifier(info.shape)) result.top = topClasses(values, top, labels);
    return result;
  });
  return { files: sample.files, input: sample.input, ms, outputs };
}

/** A vector, or a batch of one row: the shape of class scores. */
function isClassifier(shape: number[]): boolean {
  return shape.length <= 1 || (shape.length === 2 && shape[0] === 1);
}

function topClasses(values: number[], k: number, labels?: readonly string[]): TopClass[] {
  const ranked = values.map((score, index) => ({ index, score })).sort((a, b) => b.score - a.score).slice(0, k);
  return ranked.map((entry) => (labels?.[entry.index] === undefined ? entry : { ...entry, label: labels[entry.index] }));
}

async function writeOutputs(dir: string, results: SampleResult[]): Promise<{ path: string; bytes: number }[]> {
  await onFile('create', dir, () => mkdir(dir, { recursive: true }));
  const written = [];
  for (const [k, result] of results.entries()) {
    for (const [j, output] of result.outputs.entries()) {
      const path = join(dir, results.length === 1 ? `out${j}.bin` : `s${k}_out${j}.bin`);
      await onFile('write', path, () => writeFile(path, output.bytes));
      written.push({ path, bytes: output.bytes.length });
    }
  }
  return written;
}

function resultsJson(results: SampleResult[]): object {
  const sampleJson = (result: SampleResult) => ({
    ...(result.input === undefined ? {} : { input: result.input }),
    outputs: result.outputs.map(({ info, values, top }) => ({ name: info.name, dtype: info.dtype, shape: info.shape, values, top })),
    ms: Number(result.ms.toFixed(3)),
  });
  return results.length === 1 ? sampleJson(results[0]) : { samples: results.map(sampleJson) };
}

function sampleText(result: SampleResult, k: number): string {
  const lines = [`sample ${k}: ${result.input ?? result.files.join(' ')} (${result.ms.toFixed(3)} ms)`];
  for (const [j, { info, top }] of result.outputs.entries()) {
    lines.push(`  output ${j}  ${info.name}  ${info.dtype} ${shapeText(info.shape)}`);
    if (top) lines.push(topTable(top));
    else lines.push('    not a classifier output; --json or --output-dir give its values');
  }
  return lines.join('\n');
}

function topTable(top: TopClass[]): string {
  const withLabels = top.some((entry) => entry.label !== undefined);
  const header = withLabels ? ['rank', 'class', 'label', 'score'] : ['rank', 'class', 'score'];
  const rows = top.map((entry, rank) => [String(rank + 1), String(entry.index), ...(withLabels ? [entry.label ?? ''] : []), entry.score.toFixed(4)]);
  return table([header, ...rows], [0, 1, header.length - 1], '    ');
}

// ---------------------------------------------------------------- profile

const msText = (ms: number) => ms.toFixed(4);
const gmacText = (value: number | null) => (value === null ? '-' : value.toFixed(2));

function profileText(profile: Profile): string {
  const operators = table([
    ['#', 'operator', 'ms', 'MACs', 'GMAC/s'],
    ...profile.operators.map((op) => [String(op.index), op.name, msText(op.ms), count(op.macs), gmacText(op.gmacPerSecond)]),
  ], [0, 2, 3, 4]);
  const types = table([
    ['operator', 'count', 'ms', 'share', 'MACs', 'GMAC/s'],
    ...profile.types.map((type) => [type.name, String(type.count), msText(type.ms), `${(100 * type.share).toFixed(1)}%`, count(type.macs), gmacText(type.gmacPerSecond)]),
  ], [1, 2, 3, 4, 5]);
  return [
    `profile (${profile.engine} engine, median of ${profile.runs} runs per operator after a warm-up)`,
    `  operators ${msText(profile.ms)} ms in total, ${gmacText(profile.macs > 0 && profile.ms > 0 ? profile.macs / (profile.ms * 1e6) : null)} GMAC/s; a whole invoke ${msText(profile.invokeMs)} ms`,
    '',
    operators,
    '',
    'by operator type',
    types,
  ].join('\n');
}

// ---------------------------------------------------------------- convert

async function convert(parsed: Parsed): Promise<void> {
  const [model, ...extra] = parsed.positionals;
  if (model === undefined) throw new UsageError(`missing MODEL (see 'tinyq convert --help')`);
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}' (see 'tinyq convert --help')`);
  const output = parsed.values.output as string | undefined;
  if (output === undefined) throw new UsageError(`missing -o FILE: the .tflite file to write (see 'tinyq convert --help')`);
  const bytes = new Uint8Array(await onFile('read model', model, () => readFile(model)));
  if (!looksLikeOnnx(bytes)) throw new TinyqError('INVALID_ARGUMENT', `${model} is not an ONNX model`);
  const tflite = await convertOnnx(bytes);
  await onFile('write', output, () => writeFile(output, tflite));
  console.log(`wrote ${output} (${count(tflite.length)} bytes)`);
}

// ---------------------------------------------------------------- quantize, eval, report, sweep

function choice<T extends string>(parsed: Parsed, name: string, choices: readonly T[], fallback: T): T {
  const value = (parsed.values[name] as string | undefined) ?? fallback;
  if (!choices.includes(value as T)) throw new UsageError(`--${name} must be one of ${choices.join(', ')}; got '${value}'`);
  return value as T;
}

function required(parsed: Parsed, name: string, command: string): string {
  const value = parsed.values[name] as string | undefined;
  if (value === undefined) throw new UsageError(`missing --${name} FILE (see 'tinyq ${command} --help')`);
  return value;
}

function positionals(parsed: Parsed, names: string[], command: string): string[] {
  const given = parsed.positionals;
  if (given.length < names.length) throw new UsageError(`missing ${names[given.length]} (see 'tinyq ${command} --help')`);
  if (given.length > names.length) throw new UsageError(`unexpected argument '${given[names.length]}' (see 'tinyq ${command} --help')`);
  return given;
}

/** Float samples for a model input, from a raw float32 or .npy file. */
async function readSampleFile(path: string, input: TensorInfo): Promise<Float32Array[]> {
  const bytes = new Uint8Array(await onFile('read', path, () => readFile(path)));
  return samplesOf(parseArrayFile(bytes, 'float32', path), input.shape, path);
}

async function readLabelFile(path: string): Promise<Float64Array> {
  const bytes = new Uint8Array(await onFile('read', path, () => readFile(path)));
  return parseArrayFile(bytes, 'uint8', path).values;
}

/** Calibration samples: sample n of input i from the i-th file. */
async function readCalibration(paths: string[], inputs: TensorInfo[]): Promise<Float32Array[][]> {
  if (paths.length !== inputs.length) throw new UsageError(`the model has ${inputs.length} input(s); give one --calib file per input, got ${paths.length}`);
  const perInput = await Promise.all(paths.map((path, i) => readSampleFile(path, inputs[i])));
  const count = perInput[0].length;
  if (perInput.some((samples) => samples.length !== count)) throw new TinyqError('INVALID_INPUT', 'the --calib files hold different numbers of samples');
  return Array.from({ length: count }, (_, n) => perInput.map((samples) => samples[n]));
}

/** A progress bar on stderr, drawn only when stderr is a terminal. */
function progressBar(label: string): ((done: number, total: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  const width = 30;
  return (done, total) => {
    const filled = Math.round((done / total) * width);
    process.stderr.write(`\r${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}`);
    if (done === total) process.stderr.write('\n');
  };
}

async function quantize(parsed: Parsed): Promise<void> {
  const [model] = positionals(parsed, ['FLOAT.tflite'], 'quantize');
  const output = required(parsed, 'output', 'quantize');
  const calib = parsed.values.calib as string[] | undefined;
  if (!calib) throw new UsageError(`missing --calib DATA (see 'tinyq quantize --help')`);
  const calibrator = choice<Calibrator>(parsed, 'calibrator', CALIBRATORS, 'minmax');
  const io = choice<IoType>(parsed, 'io', ['int8', 'uint8', 'float32'], 'int8');
  const mode = choice<QuantizationMode>(parsed, 'mode', ['int8', 'int16x8'], 'int8');
  const weightBits = Number(choice(parsed, 'weight-bits', ['8', '4'], '8')) as WeightBits;
  const clusters = parsed.values['weight-clusters'] as string | undefined;
  if (clusters !== undefined && !(/^\d+$/.test(clusters) && Number(clusters) >= 2 && Number(clusters) <= 256)) {
    throw new UsageError(`--weight-clusters must be an integer from 2 to 256; got '${clusters}'`);
  }
  const engine = engineOption(parsed);
  const bytes = new Uint8Array(await onFile('read model', model, () => readFile(model)));
  const floatModel = await Interpreter.load(bytes, { engine });
  const calibration = await readCalibration(calib, floatModel.inputs);
  const result = await quantizeModel(bytes, calibration, {
    calibrator, io, mode, weightBits, engine, perTensor: parsed.values['per-tensor'] === true, weightClusters: clusters === undefined ? undefined : Number(clusters),
    keepFloat: parsed.values['keep-float'] as string[] | undefined, progress: progressBar('calibrating'),
  });
  await onFile('write', output, () => writeFile(output, result.model));
  if (parsed.values.json) {
    console.log(JSON.stringify({ output, bytes: result.model.length, keptFloat: result.keptFloat }));
    return;
  }
  console.log(`wrote ${output} (${count(result.model.length)} bytes): ${mode}, ${weightBits}-bit ${parsed.values['per-tensor'] ? 'per-tensor' : 'per-channel'} weights${clusters === undefined ? '' : ` (${clusters} clusters)`}, ${calibrator} calibration on ${count(calibration.length)} samples, ${io} inputs and outputs`);
  for (const kept of result.keptFloat) console.log(`  kept in float: operator ${kept.operator} (${kept.name}): ${kept.reason}`);
}

/** A one-input model and its evaluation samples and labels. */
async function evaluationSet(parsed: Parsed, interpreter: Interpreter, command: string, labelsRequired: boolean): Promise<{ samples: Float32Array[]; labels?: Float64Array }> {
  if (interpreter.inputs.length !== 1) throw new TinyqError('INVALID_ARGUMENT', `${command} takes models with one input; this one has ${interpreter.inputs.length}`);
  const samples = await readSampleFile(required(parsed, 'inputs', command), interpreter.inputs[0]);
  const labelsPath = labelsRequired ? required(parsed, 'labels', command) : parsed.values.labels as string | undefined;
  const labels = labelsPath === undefined ? undefined : await readLabelFile(labelsPath);
  if (labels && labels.length !== samples.length) throw new TinyqError('INVALID_INPUT', `${samples.length} samples but ${labels.length} labels`);
  return { samples, labels };
}

async function evaluate(parsed: Parsed): Promise<void> {
  const [model] = positionals(parsed, ['MODEL'], 'eval');
  const interpreter = await Interpreter.load(model, { engine: engineOption(parsed) });
  const { samples, labels } = await evaluationSet(parsed, interpreter, 'eval', true);
  const result = accuracy(interpreter, samples, labels!);
  if (parsed.values.json) console.log(JSON.stringify({ accuracy: result, count: samples.length }));
  else console.log(`accuracy ${(100 * result).toFixed(2)}% (${Math.round(result * samples.length)} of ${samples.length})`);
}

const decibels = (sqnr: number) => (Number.isFinite(sqnr) ? sqnr.toFixed(1) : 'exact');
const percent = (value?: number) => (value === undefined ? '-' : `${(100 * value).toFixed(2)}%`);

async function report(parsed: Parsed): Promise<void> {
  const [floatPath, quantizedPath] = positionals(parsed, ['FLOAT.tflite', 'QUANT.tflite'], 'report');
  const engine = engineOption(parsed);
  const [floatBytes, quantizedBytes] = await Promise.all([floatPath, quantizedPath].map((path) => onFile('read model', path, () => readFile(path))));
  const floatModel = await Interpreter.load(new Uint8Array(floatBytes), { engine });
  const quantized = await Interpreter.load(new Uint8Array(quantizedBytes), { engine });
  const { samples, labels } = await evaluationSet(parsed, floatModel, 'report', false);
  const comparison = compareModels(floatModel, quantized, samples, labels);
  const sizes = { float: floatBytes.length, quantized: quantizedBytes.length };
  if (parsed.values.json) {
    const finite = (value: number) => (Number.isFinite(value) ? value : null);
    console.log(JSON.stringify({ ...comparison, sizes, layers: comparison.layers.map((layer) => ({ ...layer, sqnr: finite(layer.sqnr), ownSqnr: finite(layer.ownSqnr) })) }));
    return;
  }
  console.log(reportText(comparison, sizes, floatPath, quantizedPath));
}

function reportText(comparison: ModelComparison, sizes: { float: number; quantized: number }, floatPath: string, quantizedPath: string): string {
  const summary = table([
    ['', 'float', 'quantized'],
    ['model', floatPath, quantizedPath],
    ['size', `${count(sizes.float)} bytes`, `${count(sizes.quantized)} bytes (${(sizes.quantized / sizes.float * 100).toFixed(1)}%)`],
    ['accuracy', percent(comparison.floatAccuracy), percent(comparison.quantizedAccuracy)],
  ], [], '');
  const layers = table([
    ['#', 'operator', 'output', 'dtype', 'SQNR dB', 'RMSE', 'own dB', ''],
    ...comparison.layers.map((layer) => [String(layer.operator), layer.name, shorten(layer.tensor), layer.dtype, decibels(layer.sqnr),
      layer.rmse.toPrecision(3), Number.isFinite(layer.ownSqnr) ? layer.ownSqnr.toFixed(1) : '-', layer.flagged ? '<<' : '']),
  ], [0, 4, 5, 6]);
  return [summary, `top-1 agreement ${percent(comparison.agreement)} over ${count(comparison.samples)} samples`, '', 'per layer (quantized vs float, dequantized)', layers].join('\n');
}

/** The last 40 characters of a long tensor name. */
function shorten(name: string): string {
  return name.length > 40 ? `...${name.slice(-37)}` : name;
}

async function runSweep(parsed: Parsed): Promise<void> {
  const [model] = positionals(parsed, ['FLOAT.tflite'], 'sweep');
  const calib = parsed.values.calib as string[] | undefined;
  if (!calib) throw new UsageError(`missing --calib DATA (see 'tinyq sweep --help')`);
  const bytes = new Uint8Array(await onFile('read model', model, () => readFile(model)));
  const floatModel = await Interpreter.load(bytes);
  const calibration = await readCalibration(calib, floatModel.inputs);
  const { samples, labels } = await evaluationSet(parsed, floatModel, 'sweep', true);
  const progress = process.stderr.isTTY ? (label: string) => process.stderr.write(`\rquantizing ${label.padEnd(24)}`) : undefined;
  const points = await sweep(bytes, calibration, samples, labels!, { progress, compressedSize: (model) => gzipSync(model, { level: 9 }).length });
  if (progress) process.stderr.write('\n');
  const svg = parsed.values.svg as string | undefined;
  if (svg !== undefined) await onFile('write', svg, () => writeFile(svg, sweepChart(points, `${model.split('/').slice(-2).join('/')}: accuracy vs size`)));
  if (parsed.values.json) console.log(JSON.stringify(points));
  else console.log(sweepTable(points) + (svg === undefined ? '' : `\n\nwrote ${svg}`));
}

function sweepTable(points: SweepPoint[]): string {
  return table([
    ['configuration', 'accuracy', 'bytes', 'gzip', 'vs float'],
    ...points.map((point) => [point.label, percent(point.accuracy), count(point.bytes), point.compressedBytes === undefined ? '-' : count(point.compressedBytes),
      `${(100 * (point.accuracy - points[0].accuracy)).toFixed(2)} pt`]),
  ], [1, 2, 3, 4], '');
}

// ---------------------------------------------------------------- exit codes

function fail(error: unknown): void {
  if (error instanceof UsageError || error instanceof TinyqError) {
    console.error(`tinyq: ${error.message}`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  } else {
    console.error(error);
    process.exitCode = 1;
  }
}

main(process.argv.slice(2)).catch(fail);
