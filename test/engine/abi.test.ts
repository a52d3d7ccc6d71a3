// runtime/tinyq.h against the built engines: the same exports with the same wasm signatures,
// the same status and type codes as assembly/, no imports, and no SIMD in the scalar build.

import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import binaryen from 'binaryen';
import { repoRoot } from '../conformance.js';

const BUILDS = { scalar: 'build/tinyq.wasm', simd: 'build/tinyq-simd.wasm' } as const;
type BuildKind = keyof typeof BUILDS;
/** The WASI command builds (runtime/wasi/): the same engine behind a WASI main. */
const WASI_BUILDS = { scalar: 'build/tinyq-wasi.wasm', simd: 'build/tinyq-wasi-simd.wasm' } as const;
/** The WASI calls the command may import: those wasmtime, WAMR and wasm3 all provide, and path_create_directory. */
const WASI_IMPORTS = ['args_get', 'args_sizes_get', 'fd_close', 'fd_prestat_dir_name', 'fd_prestat_get', 'fd_read', 'fd_seek',
  'fd_write', 'path_create_directory', 'path_open', 'proc_exit'];

// What wasm3 and WAMR's interpreter accept beside WebAssembly 1.0 (see DESIGN.md, Builds).
const SCALAR_FEATURES = binaryen.Features.MVP | binaryen.Features.SignExt | binaryen.Features.MutableGlobals
  | binaryen.Features.NontrappingFPToInt | binaryen.Features.BulkMemory | binaryen.Features.BulkMemoryOpt;

/** The header without its comments, so that the usage example in them is not parsed. */
const header = fs.readFileSync(path.join(repoRoot, 'runtime', 'tinyq.h'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');

/** The header's numeric #defines. */
const numbers = new Map([...header.matchAll(/^#define (\w+)\s+(-?\d+)\s*$/gm)].map(([, name, value]) => [name, Number(value)]));

function numbersNamed(pattern: RegExp): Record<string, number> {
  return Object.fromEntries([...numbers].filter(([name]) => pattern.test(name)));
}

/** X(name, result, params) entries of TQ_EXPORTS, with wasm3 signature letters. */
function headerExports(): Map<string, string> {
  const body = /#define TQ_EXPORTS\(X\)((?:.*\\\n)*.*)/.exec(header)?.[1];
  assert.ok(body, 'runtime/tinyq.h defines TQ_EXPORTS(X)');
  const entries = new Map<string, string>();
  for (const [, name, result, params] of body.matchAll(/X\((\w+),\s*(\w),\s*(\w*)\)/g)) entries.set(name, `${result}(${params})`);
  return entries;
}

const C_TYPE_LETTERS: Record<string, string> = { void: 'v', int32_t: 'i', uint32_t: 'i', tq_offset: 'i', float: 'f', double: 'F' };

/** The function-type prototypes `typedef R name_fn(P);`, as wasm3 signature letters. */
function headerPrototypes(): Map<string, string> {
  const letter = (cType: string) => {
    const code = C_TYPE_LETTERS[cType];
    assert.ok(code, `C type ${cType} has a wasm32 equivalent`);
    return code;
  };
  const prototypes = new Map<string, string>();
  for (const [, result, name, params] of header.matchAll(/typedef (\w+) (tq_\w+)_fn\(([^)]*)\);/g)) {
    const paramTypes = params.trim() === 'void' ? [] : params.split(',').map((param) => param.trim().split(/\s+/)[0]);
    prototypes.set(name, `${letter(result)}(${paramTypes.map(letter).join('')})`);
  }
  return prototypes;
}

function readBuild(kind: BuildKind, builds: Record<BuildKind, string> = BUILDS): Uint8Array<ArrayBuffer> {
  const file = path.join(repoRoot, builds[kind]);
  assert.ok(fs.existsSync(file), `${builds[kind]} exists (run npm run build)`);
  return new Uint8Array(fs.readFileSync(file));
}

const BINARYEN_LETTERS = new Map<number, string>([[binaryen.i32, 'i'], [binaryen.f32, 'f'], [binaryen.f64, 'F'], [binaryen.i64, 'I']]);

/** wasm3 signature letters of every exported function, read from the binary. */
function binarySignatures(bytes: Uint8Array): Map<string, string> {
  const module = binaryen.readBinary(bytes);
  const letters = (type: number) => binaryen.expandType(type).map((t) => BINARYEN_LETTERS.get(t) ?? `<${t}>`).join('');
  const signatures = new Map<string, string>();
  for (let i = 0; i < module.getNumExports(); i++) {
    const info = binaryen.getExportInfo(module.getExportByIndex(i));
    if (info.kind !== binaryen.ExternalFunction) continue;
    const fn = binaryen.getFunctionInfo(module.getFunction(info.value));
    signatures.set(info.name, `${letters(fn.results) || 'v'}(${letters(fn.params)})`);
  }
  module.dispose();
  return signatures;
}

function validatesWith(bytes: Uint8Array, features: number): boolean {
  const module = binaryen.readBinary(bytes);
  module.setFeatures(features);
  const valid = module.validate() === 1;
  module.dispose();
  return valid;
}

test('every prototype in the header is in TQ_EXPORTS with the same signature, and back', () => {
  assert.equal(Object.fromEntries(headerPrototypes()), Object.fromEntries(headerExports()));
});

for (const kind of Object.keys(BUILDS) as BuildKind[]) {
  test(`${kind} build exports exactly the header's functions plus memory, and imports nothing`, () => {
    const module = new WebAssembly.Module(readBuild(kind));
    const exports = WebAssembly.Module.exports(module);
    const functions = exports.filter((e) => e.kind === 'function').map((e) => e.name).sort();
    assert.equal(functions, [...headerExports().keys()].sort());
    assert.equal(exports.filter((e) => e.kind !== 'function'), [{ name: 'memory', kind: 'memory' }]);
    assert.match(header, /#define TQ_MEMORY_EXPORT "memory"/);
    assert.equal(WebAssembly.Module.imports(module), []);
  });

  test(`${kind} build has the header's wasm signatures`, () => {
    assert.equal(Object.fromEntries(binarySignatures(readBuild(kind))), Object.fromEntries(headerExports()));
  });

  test(`${kind} build reports tq_simd() ${kind === 'simd' ? 1 : 0} and the header's ABI version`, () => {
    const api = new WebAssembly.Instance(new WebAssembly.Module(readBuild(kind)), {}).exports as Record<string, () => number>;
    assert.is(api.tq_simd(), kind === 'simd' ? 1 : 0);
    assert.is(api.tq_abi_version(), numbers.get('TQ_ABI_VERSION'));
  });
}

test('the scalar build needs no SIMD; the SIMD build validates with it', () => {
  // binaryen.readBinary leaves getFeatures() at MVP whatever the binary uses (the builds carry
  // no target_features section), so validate against an explicit feature set instead.
  assert.ok(validatesWith(readBuild('scalar'), SCALAR_FEATURES), 'scalar build validates with MVP + sign-ext, mutable globals, sat. float-to-int, bulk memory');
  assert.ok(validatesWith(readBuild('simd'), SCALAR_FEATURES | binaryen.Features.SIMD128));
});

test('the WASI builds import only the WASI calls the command needs and export _start and memory', () => {
  for (const kind of Object.keys(WASI_BUILDS) as BuildKind[]) {
    const module = new WebAssembly.Module(readBuild(kind, WASI_BUILDS));
    const imports = WebAssembly.Module.imports(module);
    assert.ok(imports.every((i) => i.module === 'wasi_snapshot_preview1' && i.kind === 'function'), JSON.stringify(imports));
    assert.ok(imports.every((i) => WASI_IMPORTS.includes(i.name)), JSON.stringify(imports.map((i) => i.name)));
    assert.equal(WebAssembly.Module.exports(module).map((e) => e.name).sort(), ['_start', 'memory']);
  }
});

test('the scalar WASI build needs no SIMD either; the SIMD one validates with it', () => {
  assert.ok(validatesWith(readBuild('scalar', WASI_BUILDS), SCALAR_FEATURES), 'scalar WASI build validates without SIMD');
  assert.ok(validatesWith(readBuild('simd', WASI_BUILDS), SCALAR_FEATURES | binaryen.Features.SIMD128));
});

test('status codes match assembly/status.ts', () => {
  const source = fs.readFileSync(path.join(repoRoot, 'assembly', 'status.ts'), 'utf8');
  const statusEnum = /enum Status \{([^}]*)\}/.exec(source)?.[1] ?? '';
  const engine = new Map([...statusEnum.matchAll(/(\w+) = (\d+)/g)].map(([, name, value]) => [`TQ_${name}`, Number(value)]));
  assert.ok(engine.size > 1, 'found the Status enum');
  assert.equal(numbersNamed(/^TQ_(?!TYPE_|ABI_)/), Object.fromEntries(engine));
});

test('tensor type codes match the types assembly/tensor.ts can hold', () => {
  const source = fs.readFileSync(path.join(repoRoot, 'assembly', 'tensor.ts'), 'utf8');
  const namespace = /namespace TensorType \{([^}]*)\}/.exec(source)?.[1] ?? '';
  const held = /function elementSize[\s\S]*?\n\}/.exec(source)?.[0] ?? '';
  const engine = new Map([...namespace.matchAll(/const (\w+): i32 = (\d+);/g)]
    .filter(([, name]) => held.includes(`TensorType.${name}:`))
    .map(([, name, value]) => [`TQ_TYPE_${name}`, Number(value)]));
  assert.ok(engine.has('TQ_TYPE_INT8'), 'found the TensorType namespace');
  assert.equal(numbersNamed(/^TQ_TYPE_/), Object.fromEntries(engine));
});

test('tq_operator_name names every BuiltinOperator code of assembly/schema.ts, and no other', async () => {
  const source = fs.readFileSync(path.join(repoRoot, 'assembly', 'schema.ts'), 'utf8');
  const codes = /namespace BuiltinOperator \{([^}]*)\}/.exec(source)?.[1] ?? '';
  const expected = [...codes.matchAll(/const (\w+): i32 = (\d+);/g)].map(([, name, value]) => [Number(value), name] as const);
  assert.ok(expected.length > 100, 'found the BuiltinOperator namespace');
  for (const build of Object.values(BUILDS)) {
    const { instance } = await WebAssembly.instantiate(fs.readFileSync(path.join(repoRoot, build)), {});
    const api = instance.exports as unknown as { memory: WebAssembly.Memory; tq_operator_name(code: number): number; tq_text(): number };
    const name = (code: number) => {
      const length = api.tq_operator_name(code);
      return new TextDecoder().decode(new Uint8Array(api.memory.buffer, api.tq_text(), length));
    };
    for (const [code, constant] of expected) assert.is(name(code), constant, `${build}: code ${code}`);
    const past = Math.max(...expected.map(([code]) => code)) + 1;
    assert.is(api.tq_operator_name(past), 0, `${build}: code ${past} has no name`);
    assert.is(api.tq_operator_name(-1), 0, `${build}: code -1 has no name`);
  }
});

test.run();
