// Arena planning: every activation and scratch buffer gets an offset in one arena, and two
// buffers share bytes only when their lifetimes (operator index ranges) do not overlap.
// Each buffer goes to the lowest offset that does not collide with an already placed buffer
// that is alive with it. The order matters, so two are tried and the smaller arena is kept:
// largest first (TFLite Micro's greedy planner), and by first use.

import { Graph } from "./graph";

const ALIGNMENT: i32 = 16;

class Buffer {
  size: i32 = 0;
  firstUse: i32 = 0;
  lastUse: i32 = 0;
  offset: i32 = -1;
  /** Tensor index, or -(node index + 1) for a node's scratch. */
  owner: i32 = 0;
}

function alignUp(value: i64): i64 {
  return (value + ALIGNMENT - 1) & ~(<i64>ALIGNMENT - 1);
}

/**
 * Computes lifetimes, places buffers, stores offsets in the tensors and nodes and the lower
 * bound in the graph; returns the arena size, or -1 when it would pass 2 GiB.
 */
export function planArena(graph: Graph): i64 {
  const buffers = collectBuffers(graph);
  graph.arenaLowerBound = liveBytesPeak(buffers, graph.nodes.length);
  // Largest first can leave a hole that no later buffer fits: on vww_96_int8, an early large
  // input sits at 0 and pushes its consumer's output up, 17% over the bound. In first-use
  // order a chain of layers alternates between the two ends of the arena instead, but graphs
  // with branches fare worse that way (person_detect: 33% over, where largest first meets it).
  // Both passes share their working lists: the heap never frees.
  const placed = new Array<Buffer>();
  const overlapping = new Array<Buffer>();
  const largestFirstBytes = placeInOrder(buffers, largestFirst, placed, overlapping);
  const firstUseBytes = placeInOrder(buffers, firstUseFirst, placed, overlapping);
  // The buffers hold the first-use offsets now; place them again if largest first was smaller.
  const largestFirstWins = largestFirstBytes >= 0 && (firstUseBytes < 0 || largestFirstBytes < firstUseBytes);
  const arenaSize = largestFirstWins ? placeInOrder(buffers, largestFirst, placed, overlapping) : firstUseBytes;
  if (arenaSize < 0) return -1;
  for (let i = 0; i < buffers.length; i++) {
    const buffer = buffers[i];
    if (buffer.owner >= 0) graph.tensors[buffer.owner].arenaOffset = buffer.offset;
    else graph.nodes[-buffer.owner - 1].scratchOffset = buffer.offset;
  }
  return arenaSize;
}

// Ties are broken down to the owner, so that a plan is deterministic.
function largestFirst(a: Buffer, b: Buffer): i32 {
  if (a.size != b.size) return b.size - a.size;
  if (a.firstUse != b.firstUse) return a.firstUse - b.firstUse;
  return a.owner - b.owner;
}

function firstUseFirst(a: Buffer, b: Buffer): i32 {
  if (a.firstUse != b.firstUse) return a.firstUse - b.firstUse;
  if (a.size != b.size) return b.size - a.size;
  return a.owner - b.owner;
}

/**
 * Places the buffers in the given order and returns the arena size, or -1 past 2 GiB.
 * `placed` and `overlapping` are working lists, emptied here and reused for every buffer.
 */
function placeInOrder(buffers: Array<Buffer>, order: (a: Buffer, b: Buffer) => i32, placed: Array<Buffer>, overlapping: Array<Buffer>): i64 {
  buffers.sort(order);
  let arenaSize: i64 = 0;
  placed.length = 0;
  for (let i = 0; i < buffers.length; i++) {
    const buffer = buffers[i];
    overlapping.length = 0;
    for (let j = 0; j < placed.length; j++) {
      const other = placed[j];
      if (other.firstUse <= buffer.lastUse && buffer.firstUse <= other.lastUse) overlapping.push(other);
    }
    overlapping.sort((a: Buffer, b: Buffer): i32 => a.offset - b.offset);
    let offset: i64 = 0;
    for (let j = 0; j < overlapping.length; j++) {
      const other = overlapping[j];
      if (offset + buffer.size <= other.offset) break;
      offset = max(offset, alignUp(<i64>other.offset + other.size));
    }
    if (offset + buffer.size > 0x7FFFFFFF) return -1;
    buffer.offset = <i32>offset;
    placed.push(buffer);
    arenaSize = max(arenaSize, alignUp(offset + buffer.size));
  }
  return arenaSize;
}

/** The largest sum of aligned buffer sizes alive at one operator index (0 ... end). */
function liveBytesPeak(buffers: Array<Buffer>, end: i32): i64 {
  let peak: i64 = 0;
  for (let at = 0; at <= end; at++) {
    let live: i64 = 0;
    for (let i = 0; i < buffers.length; i++) {
      const buffer = buffers[i];
      if (buffer.firstUse <= at && at <= buffer.lastUse) live += alignUp(buffer.size);
    }
    peak = max(peak, live);
  }
  return peak;
}

function collectBuffers(graph: Graph): Array<Buffer> {
  const tensors = graph.tensors;
  const nodes = graph.nodes;
  const end = nodes.length;
  // Operator indices between which each tensor must keep its value (-1: never used).
  const firstUse = new StaticArray<i32>(tensors.length);
  const lastUse = new StaticArray<i32>(tensors.length);
  for (let t = 0; t < tensors.length; t++) {
    firstUse[t] = tensors[t].isVariable ? 0 : -1;
    lastUse[t] = tensors[t].isVariable ? end : -1;
  }
  for (let i = 0; i < graph.inputs.length; i++) touch(firstUse, lastUse, graph.inputs[i], 0);
  for (let n = 0; n < nodes.length; n++) {
    const node = nodes[n];
    for (let i = 0; i < node.inputs.length; i++) if (node.inputs[i] >= 0) touch(firstUse, lastUse, node.inputs[i], n);
    for (let o = 0; o < node.outputs.length; o++) touch(firstUse, lastUse, node.outputs[o], n);
  }
  for (let i = 0; i < graph.outputs.length; i++) touch(firstUse, lastUse, graph.outputs[i], end);

  const buffers = new Array<Buffer>();
  for (let t = 0; t < tensors.length; t++) {
    const tensor = tensors[t];
    if (tensor.isConstant || firstUse[t] < 0) continue;
    const buffer = new Buffer();
    buffer.size = tensor.byteSize;
    buffer.firstUse = firstUse[t];
    buffer.lastUse = lastUse[t];
    buffer.owner = t;
    buffers.push(buffer);
  }
  for (let n = 0; n < nodes.length; n++) {
    if (nodes[n].scratchBytes == 0) continue;
    const buffer = new Buffer();
    buffer.size = nodes[n].scratchBytes;
    buffer.firstUse = n;
    buffer.lastUse = n;
    buffer.owner = -(n + 1);
    buffers.push(buffer);
  }
  return buffers;
}

function touch(firstUse: StaticArray<i32>, lastUse: StaticArray<i32>, tensor: i32, at: i32): void {
  if (firstUse[tensor] < 0 || at < firstUse[tensor]) firstUse[tensor] = at;
  if (at > lastUse[tensor]) lastUse[tensor] = at;
}
