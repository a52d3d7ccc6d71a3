// Load, prepare, plan and invoke: the engine's life cycle over one model.
//
// Memory: the heap is a bump allocator. reserveModel() empties it and places the model bytes
// first; init() rewinds to just after them, so reloading or re-initialising never leaks.
// Everything init allocates (graph, kernel parameters, arena) stays until the next load;
// invoke allocates nothing.

import { isMalformed, openBuffer } from "./flatbuffer";
import { Graph, Node } from "./graph";
import { createKernel } from "./kernels/registry";
import { Kernel, operatorLabel } from "./kernels/kernel";
import { allocateLast, blockBytes, heapMark, reserve, resetHeap, rewindHeap } from "./memory";
import { readModel } from "./model";
import { planArena } from "./planner";
import { BuiltinOperator, operatorName } from "./schema";
import { clearError, errorCode, fail, hasError, Status } from "./status";
import { Tensor, TensorType } from "./tensor";

const PREPARE_BYTES: u64 = 4096;
// Per extent unit (a channel count is the extent of one or more tensors): multipliers, shifts and
// folded biases, and in the SIMD build the requantization's lane tables (up to 24 bytes a channel).
const PREPARE_BYTES_PER_UNIT: u64 = ASC_FEATURE_SIMD ? 40 : 8;
const PLAN_BYTES_PER_BUFFER: u64 = 128;

let modelPointer: usize = 0;
let modelLength: u32 = 0;
let graph: Graph | null = null;
let arenaPointer: usize = 0;
/** SIMD build: bytes kept after the arena, which vector loads may read past a tensor's end (im2col, GemmInt8.widenRow). */
const ARENA_READ_MARGIN: i64 = ASC_FEATURE_SIMD ? 16 : 0;
let arenaLength: i64 = 0;

export function currentGraph(): Graph | null {
  return graph;
}

export function arenaBytes(): i64 {
  return graph != null ? arenaLength : 0;
}

/** Empties the heap and reserves room for `length` model bytes; returns where to write them, or 0. */
export function reserveModel(length: u32): usize {
  clearError();
  graph = null;
  resetHeap();
  modelPointer = 0;
  modelLength = 0;
  if (length < 8) {
    fail(Status.INVALID_ARGUMENT, "a model of " + length.toString() + " bytes is too short to be a .tflite file");
    return 0;
  }
  if (!reserve(blockBytes(length), "the model")) return 0;
  modelPointer = heap.alloc(length);
  modelLength = length;
  return modelPointer;
}

/** Reads, validates and prepares the model written at the reserved region. */
export function init(): i32 {
  clearError();
  graph = null;
  if (modelPointer == 0) {
    fail(Status.NOT_READY, "no model region: reserve one with tq_model_reserve and write the model there first");
    return Status.NOT_READY;
  }
  // Rewind the heap to just after the model: the bump allocator gives the same region back.
  resetHeap();
  heap.alloc(modelLength);

  openBuffer(modelPointer, modelLength);
  const model = readModel();
  if (model == null) return finish();
  for (let n = 0; n < model.nodes.length; n++) {
    const node = model.nodes[n];
    if (!reserve(prepareBytes(model, node), "preparing the operators")) return finish();
    const inputType = node.inputs.length > 0 && node.inputs[0] >= 0 ? model.tensors[node.inputs[0]].type : -1;
    const kernel = createKernel(node.opcode, inputType);
    if (kernel == null) {
      const name = node.opcode == BuiltinOperator.CUSTOM
        ? "custom operator " + String.UTF8.decodeUnsafe(node.customCodePosition, <usize>node.customCodeLength)
        : "operator " + operatorName(node.opcode);
      fail(Status.UNSUPPORTED_OPERATOR, "unsupported " + name + " (version " + node.version.toString() + ") at operator " + n.toString());
      return finish();
    }
    kernel.node = node;
    node.kernel = kernel;
    if (!kernel.prepare(model)) return finish();
    if (isMalformed()) {
      fail(Status.MALFORMED_MODEL, operatorLabel(node) + ": its options lie outside the model bytes");
      return finish();
    }
  }

  // The planner's records are dead once the offsets are on the tensors: the arena reuses their bytes.
  const planStart = heapMark();
  if (!reserve(planBytes(model), "planning the arena")) return finish();
  arenaLength = planArena(model);
  rewindHeap(planStart);
  if (arenaLength < 0) {
    fail(Status.OUT_OF_MEMORY, "the activations need more than 2 GiB of arena");
    return finish();
  }
  arenaPointer = allocateLast(<u64>(arenaLength + ARENA_READ_MARGIN), "the activation arena");
  if (arenaPointer == 0) return finish();
  for (let t = 0; t < model.tensors.length; t++) {
    const tensor = model.tensors[t];
    if (!tensor.isConstant && tensor.arenaOffset >= 0) tensor.data = arenaPointer + <usize>tensor.arenaOffset;
  }
  for (let n = 0; n < model.nodes.length; n++) {
    const node = model.nodes[n];
    if (node.scratchOffset >= 0) node.scratch = arenaPointer + <usize>node.scratchOffset;
  }
  resetVariables(model);
  graph = model;
  return Status.OK;
}

/**
 * A bound on what a kernel allocates at prepare: per-channel parameters and index lists grow
 * with its tensors' extents (a channel count is the extent of two or more of its tensors; of a
 * constant tensor only the first extent counts, as weights' other extents size no list), the
 * messages it prepares for run-time errors with its tensors' names, copies of weights with their
 * bytes (the SIMD build's packed matrices; in both builds the transposed filter of a depthwise
 * layer over one input channel); tables and objects take the fixed part. The kernels of every
 * conformance case stay within it: the wasmtime kit runs each with exactly its memory.
 */
function prepareBytes(model: Graph, node: Node): u64 {
  let units: u64 = 0;
  let constantBytes: u64 = 0;
  for (let i = 0; i < node.inputs.length; i++) {
    if (node.inputs[i] < 0) continue;
    const tensor = model.tensors[node.inputs[i]];
    units += tensorUnits(tensor);
    if (tensor.isConstant) constantBytes += copiedBytesBound(tensor);
  }
  for (let o = 0; o < node.outputs.length; o++) units += tensorUnits(model.tensors[node.outputs[o]]);
  for (let i = 0; i < node.intermediates.length; i++) if (node.intermediates[i] >= 0) units += tensorUnits(model.tensors[node.intermediates[i]]);
  return PREPARE_BYTES + PREPARE_BYTES_PER_UNIT * units + constantBytes;
}

/**
 * The copies a kernel may make of constant weights: the SIMD build's packed filter, int16 with rows
 * (the first axis) padded to 8 and an even depth, and its 4 input rows widened to int16; a
 * depthwise filter ([1, height, width, channels]) transposed for a single input channel.
 */
function copiedBytesBound(tensor: Tensor): u64 {
  if (tensor.rank < 2 || tensor.dim(0) == 0) return 0;
  const transposed = tensor.rank == 4 && tensor.dim(0) == 1 ? <u64>tensor.elementCount + 64 : 0;
  if (!ASC_FEATURE_SIMD) return transposed;
  const rows = <u64>tensor.dim(0);
  const depth = <u64>tensor.elementCount / rows;
  return 2 * ((rows + 7) & ~7) * ((depth + 1) & ~1) + 8 * ((depth + 7) & ~7) + transposed + 128;
}

/** A tensor's extents (only the first of a constant), plus the bytes of its name as messages quote it. */
function tensorUnits(tensor: Tensor): u64 {
  let units: u64 = <u64>min(tensor.nameLength, 128);
  const counted = tensor.isConstant ? min(tensor.rank, 1) : tensor.rank;
  for (let d = 0; d < counted; d++) units += <u64>tensor.dim(d);
  return units;
}

/** The planner's bookkeeping: one record per tensor and per scratch buffer, and its lists. */
function planBytes(model: Graph): u64 {
  return <u64>(model.tensors.length + model.nodes.length) * PLAN_BYTES_PER_BUFFER + 256;
}

/** Puts every variable tensor (recurrent state) back to its initial value; the model stays loaded. */
export function reset(): i32 {
  const model = graph;
  clearError();
  if (model == null) {
    fail(Status.NOT_READY, "reset before a model was initialised successfully");
    return Status.NOT_READY;
  }
  resetVariables(model);
  return Status.OK;
}

/** TFLite's ResetVariableTensor: every byte 0, except int8 tensors, which hold their zero point. */
function resetVariables(model: Graph): void {
  for (let t = 0; t < model.tensors.length; t++) {
    const tensor = model.tensors[t];
    if (!tensor.isVariable || tensor.isConstant || tensor.arenaOffset < 0) continue;
    memory.fill(tensor.data, tensor.type == TensorType.INT8 ? <u8>tensor.zeroPoint : 0, <usize>tensor.byteSize);
  }
}

function finish(): i32 {
  graph = null;
  return errorCode();
}

/** Runs every operator in order over the arena. */
export function invoke(): i32 {
  const model = graph;
  if (model == null) {
    clearError();
    fail(Status.NOT_READY, "invoke before a model was initialised successfully");
    return Status.NOT_READY;
  }
  // A kernel may stop the invocation on a value read at run time (GATHER's positions, for one).
  clearError();
  const nodes = model.nodes;
  for (let n = 0; n < nodes.length; n++) {
    changetype<Kernel>(unchecked(nodes[n]).kernel).eval();
    if (hasError()) return errorCode();
  }
  return Status.OK;
}

/**
 * Runs operator `index` alone over the arena, for hosts that read every intermediate tensor:
 * run operators 0, 1, ... in order and read an operator's outputs right after it ran (later
 * operators may reuse their bytes). Operators must run in order from 0 for the results to hold.
 */
export function invokeOperator(index: i32): i32 {
  const model = graph;
  clearError();
  if (model == null) {
    fail(Status.NOT_READY, "invoke before a model was initialised successfully");
    return Status.NOT_READY;
  }
  if (index < 0 || index >= model.nodes.length) {
    fail(Status.INVALID_ARGUMENT, "no operator " + index.toString() + "; the model has " + model.nodes.length.toString());
    return Status.INVALID_ARGUMENT;
  }
  changetype<Kernel>(model.nodes[index].kernel).eval();
  return errorCode();
}
