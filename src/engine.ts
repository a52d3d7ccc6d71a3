// The engine module: finding and compiling the right .wasm build, and the raw ABI calls.
// Runs in Node (the builds are read from the package's build/ folder) and in browsers
// (pass the .wasm bytes or URL).

import { ENGINE_STATUS, TinyqError } from './errors.js';

export type EngineKind = 'simd' | 'scalar';
export type EngineChoice = EngineKind | 'auto';

/** Exports of the engine (see assembly/index.ts and runtime/tinyq.h). */
export interface EngineExports {
  memory: WebAssembly.Memory;
  tq_abi_version(): number;
  tq_simd(): number;
  tq_set_memory_limit(bytes: number): void;
  tq_model_reserve(length: number): number;
  tq_init(): number;
  tq_invoke(): number;
  tq_invoke_operator(i: number): number;
  tq_reset(): number;
  tq_error_code(): number;
  tq_error_message(): number;
  tq_error_length(): number;
  tq_arena_bytes(): number;
  tq_memory_bytes(): number;
  tq_arena_lower_bound(): number;
  tq_requantization_roundings(): number;
  tq_input_count(): number;
  tq_output_count(): number;
  tq_input_tensor(i: number): number;
  tq_output_tensor(i: number): number;
  tq_tensor_count(): number;
  tq_tensor_type(t: number): number;
  tq_tensor_rank(t: number): number;
  tq_tensor_dim(t: number, axis: number): number;
  tq_tensor_bytes(t: number): number;
  tq_tensor_data(t: number): number;
  tq_tensor_scale(t: number): number;
  tq_tensor_zero_point(t: number): number;
  tq_tensor_is_quantized(t: number): number;
  tq_tensor_is_constant(t: number): number;
  tq_tensor_name(t: number): number;
  tq_tensor_name_length(t: number): number;
  tq_operator_count(): number;
  tq_operator_code(i: number): number;
  tq_operator_version(i: number): number;
  tq_operator_macs(i: number): number;
  tq_operator_scratch_bytes(i: number): number;
  tq_operator_input_count(i: number): number;
  tq_operator_input(i: number, k: number): number;
  tq_operator_output_count(i: number): number;
  tq_operator_output(i: number, k: number): number;
  tq_operator_name(code: number): number;
  tq_text(): number;
}

export const ENGINE_FILES: Record<EngineKind, string> = { simd: 'tinyq-simd.wasm', scalar: 'tinyq.wasm' };

export type WasmSource = Uint8Array | ArrayBuffer | URL | string;

const compiled = new Map<string, Promise<WebAssembly.Module>>();

async function readSource(source: WasmSource): Promise<Uint8Array<ArrayBuffer>> {
  if (source instanceof Uint8Array) return new Uint8Array(source);
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  const url = source instanceof URL ? source : new URL(source, import.meta.url);
  if (url.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    return new Uint8Array(await readFile(url));
  }
  const response = await fetch(url);
  if (!response.ok) throw new TinyqError('IO_ERROR', `cannot fetch the engine from ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** The engine build shipped with the package. */
export function defaultEngineUrl(kind: EngineKind): URL {
  return new URL(`../build/${ENGINE_FILES[kind]}`, import.meta.url);
}

async function compile(kind: EngineKind, source?: WasmSource): Promise<WebAssembly.Module> {
  const key = source === undefined ? kind : '';
  const cached = key ? compiled.get(key) : undefined;
  if (cached) return cached;
  const promise = readSource(source ?? defaultEngineUrl(kind)).then((bytes: Uint8Array<ArrayBuffer>) => {
    if (!WebAssembly.validate(bytes)) {
      throw new TinyqError('ENGINE_FAILURE', `this WebAssembly runtime does not accept the ${kind} engine build`);
    }
    return WebAssembly.compile(bytes);
  });
  if (key) {
    compiled.set(key, promise);
    promise.catch(() => compiled.delete(key));
  }
  return promise;
}

/**
 * Compiles the requested build. `auto` takes the SIMD build where the runtime validates it,
 * and the scalar build elsewhere.
 */
export async function compileEngine(choice: EngineChoice, sources: Partial<Record<EngineKind, WasmSource>> = {}): Promise<{ kind: EngineKind; module: WebAssembly.Module }> {
  if (choice !== 'auto') return { kind: choice, module: await compile(choice, sources[choice]) };
  try {
    return { kind: 'simd', module: await compile('simd', sources.simd) };
  } catch (error) {
    if (!(error instanceof TinyqError) || error.code !== 'ENGINE_FAILURE') throw error;
    return { kind: 'scalar', module: await compile('scalar', sources.scalar) };
  }
}

const decoder = new TextDecoder();

/** One instance of the engine: raw calls, memory access and error translation. */
export class Engine {
  readonly kind: EngineKind;
  readonly exports: EngineExports;

  constructor(kind: EngineKind, module: WebAssembly.Module) {
    this.kind = kind;
    const instance = new WebAssembly.Instance(module, {});
    this.exports = instance.exports as unknown as EngineExports;
  }

  /** Current bytes of linear memory (views must be re-created after the memory grows). */
  bytes(pointer: number, length: number): Uint8Array {
    return new Uint8Array(this.exports.memory.buffer, pointer, length);
  }

  text(pointer: number, length: number): string {
    return decoder.decode(this.bytes(pointer, length));
  }

  /** The engine's last error as a TinyqError. */
  lastError(): TinyqError {
    const status = this.exports.tq_error_code();
    const message = this.text(this.exports.tq_error_message(), this.exports.tq_error_length());
    return new TinyqError(ENGINE_STATUS[status] ?? 'ENGINE_FAILURE', message || `engine status ${status}`);
  }

  /** Calls an engine function, turning a non-zero status or a trap into a TinyqError. */
  call(fn: () => number): void {
    let status: number;
    try {
      status = fn();
    } catch (error) {
      throw new TinyqError('ENGINE_FAILURE', `the engine trapped: ${(error as Error).message}`);
    }
    if (status !== 0) throw this.lastError();
  }

  /** A builtin operator code's name ("BUILTIN_n" for a code the engine has no name for). */
  operatorName(code: number): string {
    const length = this.exports.tq_operator_name(code);
    return length > 0 ? this.text(this.exports.tq_text(), length) : `BUILTIN_${code}`;
  }
}
