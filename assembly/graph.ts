// The graph of subgraph 0 after reading: tensors, operators in execution order, and I/O lists.

import { Kernel } from "./kernels/kernel";
import { Tensor } from "./tensor";

export class Node {
  index: i32 = 0;
  opcode: i32 = 0;
  version: i32 = 1;
  /** Name of a CUSTOM operator (UTF-8 bytes inside the model). */
  customCodePosition: usize = 0;
  customCodeLength: i32 = 0;
  // Lists are set by the reader (model.ts) before anything reads them: no default empty lists,
  // each of which would cost a heap block per operator.
  inputs!: StaticArray<i32>;
  outputs!: StaticArray<i32>;
  /** Tensors that carry quantization parameters of values inside the operator (LSTM gates). */
  intermediates!: StaticArray<i32>;
  /** BuiltinOptions union member and table position in the model (0: no options). */
  optionsType: i32 = 0;
  options: u32 = 0;
  kernel: Kernel | null = null;
  /** Scratch memory the kernel asked for at prepare, placed in the arena by the planner. */
  scratchBytes: i32 = 0;
  scratch: usize = 0;
  scratchOffset: i32 = -1;
}

export class Graph {
  tensors!: StaticArray<Tensor>;
  nodes!: StaticArray<Node>;
  inputs!: StaticArray<i32>;
  outputs!: StaticArray<i32>;
  /** Set by the planner: the most (aligned) activation and scratch bytes alive at one operator. */
  arenaLowerBound: i64 = 0;
}
