// Mutations of .tflite models for the fuzzer: generic byte damage (bit flips, byte runs,
// truncation) and schema-aware damage at the places a reader must check (offsets, vector
// lengths, tensor dimensions and types, buffer and tensor indices, quantization parameters,
// operator options).

/** A small deterministic PRNG (mulberry32), so a seed reproduces a run. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  below(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)];
  }
}

/** Where the schema-aware mutations write, by kind of field. */
export interface Places {
  offsets: number[];
  vectorLengths: number[];
  dims: number[];
  types: number[];
  bufferIndices: number[];
  tensorIndices: number[];
  opcodeIndices: number[];
  scales: number[];
  zeroPoints: number[];
  quantizedDimensions: number[];
  optionFields: number[];
}

/** Walks the model as far as it is well formed and records the positions of its fields. */
export function locate(bytes: Uint8Array): Places {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const places: Places = {
    offsets: [], vectorLengths: [], dims: [], types: [], bufferIndices: [], tensorIndices: [], opcodeIndices: [],
    scales: [], zeroPoints: [], quantizedDimensions: [], optionFields: [],
  };
  const inside = (position: number, size: number) => position >= 0 && position + size <= bytes.length;
  const field = (table: number, index: number): number => {
    if (!inside(table, 4)) return 0;
    const vtable = table - view.getInt32(table, true);
    if (!inside(vtable, 4)) return 0;
    const entry = 4 + 2 * index;
    if (entry + 2 > view.getUint16(vtable, true) || !inside(vtable + entry, 2)) return 0;
    const offset = view.getUint16(vtable + entry, true);
    return offset && inside(table + offset, 1) ? table + offset : 0;
  };
  const follow = (position: number): number => {
    if (!position || !inside(position, 4)) return 0;
    places.offsets.push(position);
    const target = position + view.getUint32(position, true);
    return inside(target, 4) ? target : 0;
  };
  const vector = (table: number, index: number, elementSize: number): number[] => {
    const start = follow(field(table, index));
    if (!start) return [];
    places.vectorLengths.push(start);
    const count = view.getUint32(start, true);
    if (!inside(start + 4, count * elementSize)) return [];
    return Array.from({ length: count }, (_, k) => start + 4 + k * elementSize);
  };
  const tables = (table: number, index: number) => vector(table, index, 4).map(follow).filter((t) => t !== 0);
  const push = (list: number[], position: number) => { if (position) list.push(position); };

  const model = follow(0);
  if (!model) return places;
  for (const code of tables(model, 1)) push(places.opcodeIndices, field(code, 3));
  for (const subgraph of tables(model, 2)) {
    for (const tensor of tables(subgraph, 0)) {
      places.dims.push(...vector(tensor, 0, 4));
      push(places.types, field(tensor, 1));
      push(places.bufferIndices, field(tensor, 2));
      const quantization = follow(field(tensor, 4));
      if (quantization) {
        places.scales.push(...vector(quantization, 2, 4));
        places.zeroPoints.push(...vector(quantization, 3, 8));
        push(places.quantizedDimensions, field(quantization, 6));
      }
    }
    places.tensorIndices.push(...vector(subgraph, 1, 4), ...vector(subgraph, 2, 4));
    for (const operator of tables(subgraph, 3)) {
      push(places.opcodeIndices, field(operator, 0));
      places.tensorIndices.push(...vector(operator, 1, 4), ...vector(operator, 2, 4));
      const options = follow(field(operator, 4));
      for (let f = 0; options && f < 8; f++) push(places.optionFields, field(options, f));
    }
  }
  for (const buffer of tables(model, 4)) vector(buffer, 0, 1);
  return places;
}

const NASTY_INTS = [0, 1, -1, 2, 3, 7, 255, 256, 65535, 65536, 0x7fffffff, -0x80000000, 0x40000000, 1 << 20, -2];
const NASTY_FLOATS = [0, -1, NaN, Infinity, -Infinity, 1e-38, 1e38, 1e-45, 0.5, 3];
const NASTY_BIG = [0n, 1n, -1n, 127n, 128n, -129n, 255n, 256n, 32768n, 1n << 40n, -(1n << 62n)];

export const STRATEGIES = [
  'bit-flip', 'byte-run', 'truncate', 'offset', 'vector-length', 'dimension', 'tensor-type', 'buffer-index',
  'tensor-index', 'opcode-index', 'scale', 'zero-point', 'quantized-dimension', 'option', 'swap-tensor-indices',
] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** A damaged copy of `bytes` made with `strategy` (the original is not changed). */
export function mutate(bytes: Uint8Array, places: Places, strategy: Strategy, random: Random): Uint8Array {
  if (strategy === 'truncate') return bytes.slice(0, random.below(bytes.length));
  const mutant = bytes.slice();
  const view = new DataView(mutant.buffer);
  const writeInt = (list: number[], values = NASTY_INTS) => {
    if (list.length === 0) return writeBytes();
    const position = random.pick(list);
    const value = random.next() < 0.7 ? random.pick(values) : view.getInt32(position, true) + random.below(9) - 4;
    if (position + 4 <= mutant.length) view.setInt32(position, value, true);
  };
  const writeSmall = (list: number[]) => {
    if (list.length === 0) return writeBytes();
    mutant[random.pick(list)] = random.pick([0, 1, 2, 3, 5, 9, 17, 100, 255]);
  };
  const writeBytes = () => {
    const start = random.below(mutant.length);
    for (let k = random.below(16) + 1; k > 0 && start + k <= mutant.length; k--) mutant[start + k - 1] = random.below(256);
  };
  switch (strategy) {
    case 'bit-flip':
      for (let flips = random.below(4) + 1; flips > 0; flips--) mutant[random.below(mutant.length)] ^= 1 << random.below(8);
      break;
    case 'byte-run': writeBytes(); break;
    case 'offset': writeInt(places.offsets, [...NASTY_INTS, mutant.length, mutant.length - 4, mutant.length + 4]); break;
    case 'vector-length': writeInt(places.vectorLengths); break;
    case 'dimension': writeInt(places.dims); break;
    case 'tensor-type': writeSmall(places.types); break;
    case 'buffer-index': writeInt(places.bufferIndices); break;
    case 'tensor-index': writeInt(places.tensorIndices); break;
    case 'opcode-index': writeInt(places.opcodeIndices, [...NASTY_INTS, 32, 114, 126]); break;
    case 'quantized-dimension': writeInt(places.quantizedDimensions); break;
    case 'option': writeInt(places.optionFields); break;
    case 'scale':
      if (places.scales.length === 0) writeBytes();
      else view.setFloat32(random.pick(places.scales), random.pick(NASTY_FLOATS), true);
      break;
    case 'zero-point':
      if (places.zeroPoints.length === 0) writeBytes();
      else view.setBigInt64(random.pick(places.zeroPoints), random.pick(NASTY_BIG), true);
      break;
    case 'swap-tensor-indices': {
      if (places.tensorIndices.length < 2) return mutant;
      const a = random.pick(places.tensorIndices);
      const b = random.pick(places.tensorIndices);
      const value = view.getInt32(a, true);
      view.setInt32(a, view.getInt32(b, true), true);
      view.setInt32(b, value, true);
      break;
    }
  }
  return mutant;
}
