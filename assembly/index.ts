// The engine ABI: plain functions over i32/f32/f64 values and linear memory, the same for a
// JavaScript host, wasmtime, WAMR or wasm3. The module imports nothing.
//
// Protocol: p = tq_model_reserve(n); write the n model bytes at p; tq_init(); query inputs and
// outputs; write input bytes at tq_tensor_data(t); tq_invoke(); read outputs the same way.
// A call that fails returns a non-zero status; tq_error_message()/tq_error_length() hold the
// UTF-8 message. Query functions return -1 (or 0) for an index out of range; nothing traps.

import { Graph } from "./graph";
import { arenaBytes, currentGraph, init, invoke, invokeOperator, reserveModel, reset } from "./interpreter";
import { heapBytes, setMemoryLimit } from "./memory";
import { roundsOnce } from "./quant";
import { writeOperatorName } from "./schema";
import { errorCode, errorMessageLength, errorMessagePointer } from "./status";
import { Tensor } from "./tensor";

/** Bumped when a function changes meaning. */
const ABI_VERSION: i32 = 1;
const TEXT_CAPACITY: i32 = 64;
const textBuffer: usize = memory.data(TEXT_CAPACITY);

export function tq_abi_version(): i32 {
  return ABI_VERSION;
}

/** 1 when this build uses 128-bit SIMD. */
export function tq_simd(): i32 {
  return ASC_FEATURE_SIMD ? 1 : 0;
}

/** Caps the engine's linear memory, in bytes; loads that would need more are refused. */
export function tq_set_memory_limit(bytes: u32): void {
  setMemoryLimit(<u64>bytes);
}

export function tq_model_reserve(length: u32): usize {
  return reserveModel(length);
}

export function tq_init(): i32 {
  return init();
}

export function tq_invoke(): i32 {
  return invoke();
}

/** Runs operator i alone (operators run in order from 0); its outputs can be read right after. */
export function tq_invoke_operator(i: i32): i32 {
  return invokeOperator(i);
}

/** Restores every variable (state) tensor to its value after tq_init. */
export function tq_reset(): i32 {
  return reset();
}

export function tq_error_code(): i32 {
  return errorCode();
}

export function tq_error_message(): usize {
  return errorMessagePointer();
}

export function tq_error_length(): i32 {
  return errorMessageLength();
}

/** Bytes of the activation arena (0 before a successful init). */
export function tq_arena_bytes(): i32 {
  return <i32>arenaBytes();
}

/** The least arena any placement of the activations could use (0 before a successful init). */
export function tq_arena_lower_bound(): i32 {
  const graph = graphOrNull();
  return graph != null ? <i32>graph.arenaLowerBound : 0;
}

/**
 * Roundings of the loaded model's requantization: 2, as TFLite's reference kernels, or 1 when the
 * model's metadata asks for TFLITE_SINGLE_ROUNDING (models converted from ONNX); 0 before init.
 */
export function tq_requantization_roundings(): i32 {
  return graphOrNull() == null ? 0 : roundsOnce() ? 1 : 2;
}

/** Bytes of linear memory in use: model, parameters and arena. */
export function tq_memory_bytes(): i32 {
  return <i32>heapBytes();
}

function graphOrNull(): Graph | null {
  return currentGraph();
}

export function tq_input_count(): i32 {
  const graph = graphOrNull();
  return graph != null ? graph.inputs.length : 0;
}

export function tq_output_count(): i32 {
  const graph = graphOrNull();
  return graph != null ? graph.outputs.length : 0;
}

/** Tensor index of input i, or -1. */
export function tq_input_tensor(i: i32): i32 {
  const graph = graphOrNull();
  return graph != null && i >= 0 && i < graph.inputs.length ? graph.inputs[i] : -1;
}

export function tq_output_tensor(i: i32): i32 {
  const graph = graphOrNull();
  return graph != null && i >= 0 && i < graph.outputs.length ? graph.outputs[i] : -1;
}

export function tq_tensor_count(): i32 {
  const graph = graphOrNull();
  return graph != null ? graph.tensors.length : 0;
}

function tensorAt(t: i32): Tensor | null {
  const graph = graphOrNull();
  return graph != null && t >= 0 && t < graph.tensors.length ? graph.tensors[t] : null;
}

/** TFLite TensorType code (0 float32, 2 int32, 3 uint8, 7 int16, 9 int8, ...), or -1. */
export function tq_tensor_type(t: i32): i32 {
  const tensor = tensorAt(t);
  return tensor != null ? tensor.type : -1;
}

export function tq_tensor_rank(t: i32): i32 {
  const tensor = tensorAt(t);
  return tensor != null ? tensor.rank : -1;
}

export function tq_tensor_dim(t: i32, axis: i32): i32 {
  const tensor = tensorAt(t);
  return tensor != null && axis >= 0 && axis < tensor.rank ? tensor.dim(axis) : -1;
}

export function tq_tensor_bytes(t: i32): i32 {
  const tensor = tensorAt(t);
  return tensor != null ? tensor.byteSize : -1;
}

/** Address of the tensor's bytes (in the arena, or in the model for constants); 0 if it has none. */
export function tq_tensor_data(t: i32): usize {
  const tensor = tensorAt(t);
  return tensor != null ? tensor.data : 0;
}

export function tq_tensor_scale(t: i32): f32 {
  const tensor = tensorAt(t);
  return tensor != null ? tensor.scale : 0;
}

export function tq_tensor_zero_point(t: i32): i32 {
  const tensor = tensorAt(t);
  return tensor != null ? tensor.zeroPoint : 0;
}

/** 1 when the tensor has per-tensor or per-channel quantization parameters. */
export function tq_tensor_is_quantized(t: i32): i32 {
  const tensor = tensorAt(t);
  return tensor != null && tensor.quantizationCount > 0 ? 1 : 0;
}

export function tq_tensor_is_constant(t: i32): i32 {
  const tensor = tensorAt(t);
  return tensor != null && tensor.isConstant ? 1 : 0;
}

/** Address of the tensor's UTF-8 name inside the model; see tq_tensor_name_length. */
export function tq_tensor_name(t: i32): usize {
  const tensor = tensorAt(t);
  return tensor != null ? tensor.namePosition : 0;
}

export function tq_tensor_name_length(t: i32): i32 {
  const tensor = tensorAt(t);
  return tensor != null ? tensor.nameLength : 0;
}

export function tq_operator_count(): i32 {
  const graph = graphOrNull();
  return graph != null ? graph.nodes.length : 0;
}

/** Builtin operator code of operator i, or -1. */
export function tq_operator_code(i: i32): i32 {
  const graph = graphOrNull();
  return graph != null && i >= 0 && i < graph.nodes.length ? graph.nodes[i].opcode : -1;
}

export function tq_operator_version(i: i32): i32 {
  const graph = graphOrNull();
  return graph != null && i >= 0 && i < graph.nodes.length ? graph.nodes[i].version : -1;
}

/** Multiply-accumulates of operator i per invocation (0 for operators without products). */
export function tq_operator_macs(i: i32): f64 {
  const graph = graphOrNull();
  if (graph == null || i < 0 || i >= graph.nodes.length) return 0;
  const kernel = graph.nodes[i].kernel;
  return kernel != null ? kernel.macs : 0;
}

/** Scratch bytes operator i asked for at prepare (placed in the arena for its run), or -1. */
export function tq_operator_scratch_bytes(i: i32): i32 {
  const graph = graphOrNull();
  return graph != null && i >= 0 && i < graph.nodes.length ? graph.nodes[i].scratchBytes : -1;
}

export function tq_operator_input_count(i: i32): i32 {
  const graph = graphOrNull();
  return graph != null && i >= 0 && i < graph.nodes.length ? graph.nodes[i].inputs.length : -1;
}

/** Tensor index of input k of operator i; -1 for an absent optional input or a bad index. */
export function tq_operator_input(i: i32, k: i32): i32 {
  const graph = graphOrNull();
  if (graph == null || i < 0 || i >= graph.nodes.length) return -1;
  const inputs = graph.nodes[i].inputs;
  return k >= 0 && k < inputs.length ? inputs[k] : -1;
}

export function tq_operator_output_count(i: i32): i32 {
  const graph = graphOrNull();
  return graph != null && i >= 0 && i < graph.nodes.length ? graph.nodes[i].outputs.length : -1;
}

export function tq_operator_output(i: i32, k: i32): i32 {
  const graph = graphOrNull();
  if (graph == null || i < 0 || i >= graph.nodes.length) return -1;
  const outputs = graph.nodes[i].outputs;
  return k >= 0 && k < outputs.length ? outputs[k] : -1;
}

/** Writes the name of a builtin operator code at tq_text() and returns its length (0: no such code). */
export function tq_operator_name(code: i32): i32 {
  return writeOperatorName(code, textBuffer, TEXT_CAPACITY);
}

export function tq_text(): usize {
  return textBuffer;
}
