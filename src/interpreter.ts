// The public API: load a model, describe its tensors, set inputs, invoke, read outputs.

import { DType, dtypeOf, QUANTIZED_RANGE, rawArrayMatches, TypedArray, viewAs } from './dtype.js';
import { compileEngine, Engine, EngineChoice, EngineKind, WasmSource } from './engine.js';
import { TinyqError } from './errors.js';
import { quantizeInto, type QuantizedArray } from './quantize.js';
import { looksLikeOnnx } from './onnx/detect.js';

export interface TensorInfo {
  /** Index of the tensor in the model's subgraph. */
  index: number;
  name: string;
  dtype: DType;
  shape: number[];
  /** Quantization (scale 0 and zero point 0 when the tensor is not quantized). */
  scale: number;
  zeroPoint: number;
  quantized: boolean;
  bytes: number;
}

export interface OperatorInfo {
  index: number;
  name: string;
  version: number;
  macs: number;
  /** Arena bytes the operator uses for itself while it runs (im2col rows, accumulators). */
  scratchBytes: number;
  inputs: number[];
  outputs: number[];
}

/** Time of one operator per invocation: the median over the profile's runs. */
export interface OperatorProfile {
  index: number;
  name: string;
  ms: number;
  macs: number;
  /** macs / time; null for an operator without products or too fast to time. */
  gmacPerSecond: number | null;
}

/** The operators of one type together (CONV_2D, ...), slowest type first. */
export interface OperatorTypeProfile {
  name: string;
  count: number;
  ms: number;
  /** Fraction of the profile's total time. */
  share: number;
  macs: number;
  gmacPerSecond: number | null;
}

export interface Profile {
  engine: EngineKind;
  runs: number;
  /** Sum of the operators' times. */
  ms: number;
  /** Median time of a whole invoke() over as many runs, for comparison with `ms`. */
  invokeMs: number;
  macs: number;
  operators: OperatorProfile[];
  types: OperatorTypeProfile[];
}

export interface LoadOptions {
  /** Engine build: `auto` (default) picks SIMD where the runtime supports it. */
  engine?: EngineChoice;
  /** Cap on the engine's linear memory in bytes; a model that needs more is refused. */
  memoryLimit?: number;
  /** The engine .wasm bytes or URL per build, for browsers or custom builds. */
  wasm?: Partial<Record<EngineKind, WasmSource>>;
}

export type OutputMode = 'raw' | 'float';

export type ModelFormat = 'tflite' | 'onnx';

const MAX_MEMORY = 0xFFFFFFFF;
const DEFAULT_PROFILE_RUNS = 20;
// Warm-up before profiling: V8 first runs wasm as baseline code and tiers hot functions up
// to optimized code after a while; times taken before that describe the baseline compiler.
const PROFILE_WARMUP_MS = 500;
const PROFILE_WARMUP_INVOKES = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const gmacPerSecond = (macs: number, ms: number) => (macs > 0 && ms > 0 ? macs / (ms * 1e6) : null);

async function readModelBytes(model: Uint8Array | ArrayBuffer | string | URL): Promise<Uint8Array> {
  if (model instanceof Uint8Array) return model;
  if (model instanceof ArrayBuffer) return new Uint8Array(model);
  if (typeof model === 'string' && !/^[a-z]+:\/\//i.test(model)) {
    const { readFile } = await import('node:fs/promises');
    try {
      return new Uint8Array(await readFile(model));
    } catch (error) {
      throw new TinyqError('IO_ERROR', `cannot read model ${model}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  const response = await fetch(model);
  if (!response.ok) throw new TinyqError('IO_ERROR', `cannot fetch model ${model}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

export class Interpreter {
  readonly engine: EngineKind;
  readonly inputs: TensorInfo[];
  readonly outputs: TensorInfo[];
  /** Bytes of the .tflite model the engine runs (for ONNX, the converted model). */
  readonly modelBytes: number;
  /** The format of the model given to load(): ONNX models are converted to TFLite at load. */
  readonly format: ModelFormat;
  private readonly core: Engine;

  private constructor(core: Engine, modelBytes: number, format: ModelFormat) {
    this.core = core;
    this.engine = core.kind;
    this.modelBytes = modelBytes;
    this.format = format;
    const api = core.exports;
    this.inputs = Array.from({ length: api.tq_input_count() }, (_, i) => this.tensor(api.tq_input_tensor(i)));
    this.outputs = Array.from({ length: api.tq_output_count() }, (_, i) => this.tensor(api.tq_output_tensor(i)));
  }

  /**
   * Loads a .tflite or .onnx model from bytes, a file path (Node) or a URL, and prepares it.
   * ONNX models (recognized by their content) are converted to TFLite once, here.
   */
  static async load(model: Uint8Array | ArrayBuffer | string | URL, options: LoadOptions = {}): Promise<Interpreter> {
    const [given, { kind, module }] = await Promise.all([readModelBytes(model), compileEngine(options.engine ?? 'auto', options.wasm)]);
    const format: ModelFormat = looksLikeOnnx(given) ? 'onnx' : 'tflite';
    const bytes = format === 'onnx' ? (await import('./onnx/convert.js')).convertOnnx(given) : given;
    const core = new Engine(kind, module);
    const api = core.exports;
    if (options.memoryLimit !== undefined) {
      if (!(options.memoryLimit > 0)) throw new TinyqError('INVALID_ARGUMENT', `memoryLimit must be a positive number of bytes, got ${options.memoryLimit}`);
      api.tq_set_memory_limit(Math.min(options.memoryLimit, MAX_MEMORY));
    }
    const pointer = core.exports.tq_model_reserve(bytes.length);
    if (pointer === 0) throw core.lastError();
    core.bytes(pointer, bytes.length).set(bytes);
    core.call(() => api.tq_init());
    return new Interpreter(core, bytes.length, format);
  }

  /** Bytes of the activation arena. */
  get arenaBytes(): number {
    return this.core.exports.tq_arena_bytes();
  }

  /**
   * The least arena any placement of this model's activations could use: the largest sum of
   * activation and scratch bytes alive at one operator (each rounded up to 16 bytes).
   */
  get arenaLowerBound(): number {
    return this.core.exports.tq_arena_lower_bound();
  }

  /**
   * How many times requantization rounds: 2 as TFLite's reference kernels, 1 for a model whose
   * metadata asks for single rounding (models converted from ONNX, see README "ONNX models").
   */
  get requantizationRoundings(): number {
    return this.core.exports.tq_requantization_roundings();
  }

  /** Bytes of engine linear memory in use (model, parameters, arena). */
  get memoryBytes(): number {
    return this.core.exports.tq_memory_bytes();
  }

  /** Describes tensor `index` of the model. */
  tensor(index: number): TensorInfo {
    const api = this.core.exports;
    const rank = api.tq_tensor_rank(index);
    if (rank < 0) throw new TinyqError('INVALID_ARGUMENT', `no tensor ${index}`);
    const quantized = api.tq_tensor_is_quantized(index) === 1;
    return {
      index,
      name: this.core.text(api.tq_tensor_name(index), api.tq_tensor_name_length(index)),
      dtype: dtypeOf(api.tq_tensor_type(index)),
      shape: Array.from({ length: rank }, (_, axis) => api.tq_tensor_dim(index, axis)),
      scale: quantized ? api.tq_tensor_scale(index) : 0,
      zeroPoint: quantized ? api.tq_tensor_zero_point(index) : 0,
      quantized,
      bytes: api.tq_tensor_bytes(index),
    };
  }

  get tensorCount(): number {
    return this.core.exports.tq_tensor_count();
  }

  operators(): OperatorInfo[] {
    const api = this.core.exports;
    return Array.from({ length: api.tq_operator_count() }, (_, index) => ({
      index,
      name: this.core.operatorName(api.tq_operator_code(index)),
      version: api.tq_operator_version(index),
      macs: api.tq_operator_macs(index),
      scratchBytes: api.tq_operator_scratch_bytes(index),
      inputs: Array.from({ length: api.tq_operator_input_count(index) }, (_, k) => api.tq_operator_input(index, k)),
      outputs: Array.from({ length: api.tq_operator_output_count(index) }, (_, k) => api.tq_operator_output(index, k)),
    }));
  }

  /** Multiply-accumulates of one invocation. */
  get macs(): number {
    return this.operators().reduce((sum, op) => sum + op.macs, 0);
  }

  private slot(list: TensorInfo[], i: number, what: string): TensorInfo {
    const info = list[i];
    if (!Number.isInteger(i) || !info) throw new TinyqError('INVALID_ARGUMENT', `the model has ${list.length} ${what}s; there is no ${what} ${i}`);
    return info;
  }

  private view(info: TensorInfo): TypedArray {
    return viewAs(info.dtype, this.core.exports.memory.buffer, this.core.exports.tq_tensor_data(info.index), info.bytes);
  }

  /**
   * Writes input i. A typed array of the tensor's own dtype is copied as is; a Float32Array
   * (or number[]) for a quantized tensor is quantized with the tensor's scale and zero point.
   * Raw bytes (Uint8Array) of the exact byte length are accepted for any dtype via setInputBytes.
   */
  setInput(i: number, data: ArrayLike<number> | TypedArray): void {
    const info = this.slot(this.inputs, i, 'input');
    const count = info.shape.reduce((a, b) => a * b, 1);
    if (data.length !== count) {
      throw new TinyqError('INVALID_INPUT', `input ${i} (${info.name}) takes ${count} values of shape [${info.shape}], got ${data.length}`);
    }
    const target = this.view(info);
    if (ArrayBuffer.isView(data) && rawArrayMatches(info.dtype, data)) {
      target.set(data as never);
      return;
    }
    const isFloat = data instanceof Float32Array || data instanceof Float64Array || Array.isArray(data);
    if (QUANTIZED_RANGE[info.dtype] && info.quantized && isFloat) {
      quantizeInto(target as QuantizedArray, data as ArrayLike<number>, info.scale, info.zeroPoint);
      return;
    }
    if (info.dtype === 'float32' && isFloat) {
      (target as Float32Array).set(data as ArrayLike<number>);
      return;
    }
    const given = ArrayBuffer.isView(data) ? data.constructor.name : 'array';
    throw new TinyqError('INVALID_INPUT', `input ${i} (${info.name}) is ${info.dtype}${info.quantized ? ' (quantized)' : ''}; a ${given} cannot be written to it`);
  }

  /** Writes input i from raw little-endian bytes of exactly the tensor's byte length. */
  setInputBytes(i: number, bytes: Uint8Array): void {
    const info = this.slot(this.inputs, i, 'input');
    if (bytes.length !== info.bytes) {
      throw new TinyqError('INVALID_INPUT', `input ${i} (${info.name}) takes ${info.bytes} bytes (${info.dtype} [${info.shape}]), got ${bytes.length}`);
    }
    this.core.bytes(this.core.exports.tq_tensor_data(info.index), info.bytes).set(bytes);
  }

  invoke(): void {
    this.core.call(() => this.core.exports.tq_invoke());
  }

  /**
   * Times each operator on the inputs as set (set them first, as for invoke()): after a
   * warm-up of whole invocations, runs the operators one at a time, in order, `runs` times, and
   * takes each operator's median. Each time includes one host-to-engine call (about a
   * microsecond). The outputs afterwards are those invoke() gives on the same inputs; the state
   * of recurrent models advances by one step per run and per warm-up invocation.
   */
  profile(runs = DEFAULT_PROFILE_RUNS): Profile {
    if (!Number.isInteger(runs) || runs < 1) throw new TinyqError('INVALID_ARGUMENT', `profile runs must be a positive integer, got ${runs}`);
    const api = this.core.exports;
    const operators = this.operators();
    // An invocation may overwrite its inputs (activations share arena bytes): each run starts
    // from a copy of them.
    const inputs = this.inputs.map((info) => this.tensorBytes(info.index));
    const restoreInputs = () => this.inputs.forEach((info, i) => this.setInputBytes(i, inputs[i]));
    const warmupStart = performance.now();
    for (let k = 0; k < PROFILE_WARMUP_INVOKES || performance.now() - warmupStart < PROFILE_WARMUP_MS; k++) {
      restoreInputs();
      this.invoke();
    }
    const times = operators.map((): number[] => []);
    const invokeTimes: number[] = [];
    for (let run = 0; run < runs; run++) {
      restoreInputs();
      const invokeStart = performance.now();
      this.invoke();
      invokeTimes.push(performance.now() - invokeStart);
      restoreInputs();
      for (const op of operators) {
        const start = performance.now();
        const status = api.tq_invoke_operator(op.index);
        times[op.index].push(performance.now() - start);
        if (status !== 0) throw this.core.lastError();
      }
    }
    const operatorProfiles = operators.map(({ index, name, macs }) => {
      const ms = median(times[index]);
      return { index, name, ms, macs, gmacPerSecond: gmacPerSecond(macs, ms) };
    });
    const totalMs = operatorProfiles.reduce((sum, op) => sum + op.ms, 0);
    const byType = new Map<string, OperatorTypeProfile>();
    for (const op of operatorProfiles) {
      const type = byType.get(op.name) ?? { name: op.name, count: 0, ms: 0, share: 0, macs: 0, gmacPerSecond: null };
      type.count++;
      type.ms += op.ms;
      type.macs += op.macs;
      byType.set(op.name, type);
    }
    const types = [...byType.values()].sort((a, b) => b.ms - a.ms);
    for (const type of types) {
      type.share = totalMs > 0 ? type.ms / totalMs : 0;
      type.gmacPerSecond = gmacPerSecond(type.macs, type.ms);
    }
    const macs = operatorProfiles.reduce((sum, op) => sum + op.macs, 0);
    return { engine: this.engine, runs, ms: totalMs, invokeMs: median(invokeTimes), macs, operators: operatorProfiles, types };
  }

  /**
   * Restores the state of recurrent operators (the model's variable tensors) to its value after
   * loading, so that the next invoke starts a new sequence; inputs and outputs are kept.
   */
  reset(): void {
    this.core.call(() => this.core.exports.tq_reset());
  }

  /** A copy of output i: raw values in the tensor's dtype, or dequantized floats with 'float'. */
  output(i: number, mode: OutputMode = 'raw'): TypedArray {
    const info = this.slot(this.outputs, i, 'output');
    const raw = this.view(info).slice();
    if (mode === 'raw' || !info.quantized || info.dtype === 'float32') return raw;
    const values = new Float32Array(raw.length);
    for (let k = 0; k < raw.length; k++) values[k] = info.scale * (Number(raw[k]) - info.zeroPoint);
    return values;
  }

  /** Raw bytes of output i (a copy). */
  outputBytes(i: number): Uint8Array {
    return this.tensorBytes(this.slot(this.outputs, i, 'output').index);
  }

  /**
   * A copy of the bytes of any tensor `index`: a constant, a variable (the state of a recurrent
   * operator), or an activation, which holds whatever was last written to its arena bytes.
   */
  tensorBytes(index: number): Uint8Array {
    const info = this.tensor(index);
    const address = this.core.exports.tq_tensor_data(index);
    if (address === 0 && info.bytes > 0) throw new TinyqError('INVALID_ARGUMENT', `tensor ${index} (${info.name}) has no data: no operator uses it`);
    return this.core.bytes(address, info.bytes).slice();
  }

  /**
   * Runs operator `index` alone. Running operators 0, 1, ... in order equals invoke(); an
   * operator's outputs can be read (tensorBytes, tensorValues) right after it ran, before later
   * operators reuse their arena bytes. The quantizer reads every intermediate tensor this way.
   */
  invokeOperator(index: number): void {
    this.core.call(() => this.core.exports.tq_invoke_operator(index));
  }

  /** Whether tensor `index` is a constant of the model (weights, bias, shapes). */
  isConstant(index: number): boolean {
    return this.core.exports.tq_tensor_is_constant(index) === 1;
  }

  /** The values of tensor `index` as floats: dequantized when it is quantized (per-tensor). */
  tensorValues(index: number): Float32Array {
    const info = this.tensor(index);
    const raw = viewAs(info.dtype, this.tensorBytes(index).buffer, 0, info.bytes);
    if (info.dtype === 'float32') return raw as Float32Array;
    const values = new Float32Array(raw.length);
    const scale = info.quantized ? info.scale : 1;
    for (let i = 0; i < raw.length; i++) values[i] = scale * (Number(raw[i]) - info.zeroPoint);
    return values;
  }

  /** The address of a tensor's data in engine memory (tests and tools). */
  tensorAddress(index: number): number {
    return this.core.exports.tq_tensor_data(index);
  }
}
