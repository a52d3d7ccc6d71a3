// A bounds-checked reader over flatbuffer bytes held in linear memory.
// Every read checks its offset and length against the buffer first; a read outside it returns
// zero and marks the buffer malformed, so a hostile model can never make the engine trap or
// read memory that is not the model's. Positions are byte offsets from the buffer's start;
// position 0 never holds a table, vector or string, so 0 stands for "absent".

let base: usize = 0;
let length: u32 = 0;
let malformed: bool = false;

export function openBuffer(pointer: usize, byteLength: u32): void {
  base = pointer;
  length = byteLength;
  malformed = false;
}

export function isMalformed(): bool {
  return malformed;
}

export function bufferBase(): usize {
  return base;
}

export function bufferLength(): u32 {
  return length;
}

/** True when [position, position + size) lies inside the buffer. */
export function inBounds(position: u64, size: u64): bool {
  if (position + size <= <u64>length) return true;
  malformed = true;
  return false;
}

export function readU8(position: u32): u32 {
  return inBounds(position, 1) ? <u32>load<u8>(base + position) : 0;
}

export function readI8(position: u32): i32 {
  return inBounds(position, 1) ? <i32>load<i8>(base + position) : 0;
}

export function readU16(position: u32): u32 {
  return inBounds(position, 2) ? <u32>load<u16>(base + position) : 0;
}

export function readI32(position: u32): i32 {
  return inBounds(position, 4) ? load<i32>(base + position) : 0;
}

export function readU32(position: u32): u32 {
  return inBounds(position, 4) ? load<u32>(base + position) : 0;
}

export function readF32(position: u32): f32 {
  return inBounds(position, 4) ? load<f32>(base + position) : 0;
}

export function readI64(position: u32): i64 {
  return inBounds(position, 8) ? load<i64>(base + position) : 0;
}

/** Follows the unsigned offset stored at `position`; 0 if it leads outside the buffer. */
function follow(position: u32): u32 {
  const target = <u64>position + <u64>readU32(position);
  if (target == position || !inBounds(target, 4)) {
    malformed = true;
    return 0;
  }
  return <u32>target;
}

/** The root table of the buffer. */
export function rootTable(): u32 {
  if (length >= 8) return follow(0);
  malformed = true;
  return 0;
}

/** Position of field `field` of `table`, or 0 when the field is absent. */
export function fieldPosition(table: u32, field: i32): u32 {
  if (table == 0) return 0;
  const vtable = <i64>table - <i64>readI32(table);
  if (vtable < 0 || !inBounds(<u64>vtable, 4)) {
    malformed = true;
    return 0;
  }
  const vtableSize = readU16(<u32>vtable);
  const tableSize = readU16(<u32>vtable + 2);
  const entry: u32 = 4 + 2 * <u32>field;
  if (vtableSize < 4 || !inBounds(<u64>vtable, vtableSize) || !inBounds(table, tableSize)) {
    malformed = true;
    return 0;
  }
  if (entry + 2 > vtableSize) return 0;
  const offset = readU16(<u32>vtable + entry);
  if (offset == 0) return 0;
  if (offset >= tableSize) {
    malformed = true;
    return 0;
  }
  return table + offset;
}

export function fieldI8(table: u32, field: i32, fallback: i32): i32 {
  const position = fieldPosition(table, field);
  return position ? readI8(position) : fallback;
}

export function fieldU8(table: u32, field: i32, fallback: u32): u32 {
  const position = fieldPosition(table, field);
  return position ? readU8(position) : fallback;
}

export function fieldI32(table: u32, field: i32, fallback: i32): i32 {
  const position = fieldPosition(table, field);
  return position ? readI32(position) : fallback;
}

export function fieldU32(table: u32, field: i32, fallback: u32): u32 {
  const position = fieldPosition(table, field);
  return position ? readU32(position) : fallback;
}

export function fieldF32(table: u32, field: i32, fallback: f32): f32 {
  const position = fieldPosition(table, field);
  return position ? readF32(position) : fallback;
}

export function fieldU64(table: u32, field: i32, fallback: u64): u64 {
  const position = fieldPosition(table, field);
  return position ? <u64>readI64(position) : fallback;
}

/** The table (or union value) referenced by a field, or 0. */
export function fieldTable(table: u32, field: i32): u32 {
  const position = fieldPosition(table, field);
  return position ? follow(position) : 0;
}

/**
 * The vector referenced by a field: position of its length word, or 0 when absent.
 * The whole vector, with elements of `elementSize` bytes, is checked to lie in the buffer.
 */
export function fieldVector(table: u32, field: i32, elementSize: u32): u32 {
  const vector = fieldTable(table, field);
  if (vector == 0) return 0;
  if (!inBounds(<u64>vector + 4, <u64>readU32(vector) * elementSize)) return 0;
  return vector;
}

export function vectorLength(vector: u32): i32 {
  if (vector == 0) return 0;
  const count = readU32(vector);
  return count > 0x7FFFFFFF ? 0 : <i32>count;
}

/** Position of element `index` of a vector of `elementSize`-byte elements. */
export function vectorElement(vector: u32, index: i32, elementSize: u32): u32 {
  return vector + 4 + <u32>index * elementSize;
}

/** Element `index` of a vector of tables. */
export function vectorTable(vector: u32, index: i32): u32 {
  return follow(vectorElement(vector, index, 4));
}

/** A string field as (position of its bytes, byte length); returns the length, 0 if absent. */
export let stringStart: u32 = 0;
export function fieldString(table: u32, field: i32): i32 {
  stringStart = 0;
  const vector = fieldVector(table, field, 1);
  if (vector == 0) return 0;
  stringStart = vector + 4;
  return vectorLength(vector);
}
