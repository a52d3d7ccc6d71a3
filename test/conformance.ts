// Reads conformance cases (the format of ../shared/conformance/README.md).

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const sharedDir = path.resolve(repoRoot, '..', 'shared');
export const sharedConformanceDir = path.join(sharedDir, 'conformance');
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures');

/** The repo's own case folders: test/fixtures/cases and test/fixtures/cases_* (one per generator). */
export function fixtureCaseRoots(): string[] {
  return fs.readdirSync(fixturesDir).filter((name) => /^cases(_\w+)?$/.test(name)).sort().map((name) => path.join(fixturesDir, name));
}

export interface TensorSpec {
  name: string;
  dtype: string;
  shape: number[];
  scale: number;
  zero_point: number;
}

export interface CaseSpec {
  name: string;
  ops: string[];
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  samples: { inputs: string[]; outputs: string[] }[];
  tolerance: number;
  stateful?: boolean;
}

export interface Case<Spec = CaseSpec> {
  dir: string;
  spec: Spec;
}

/** The case folders (those with a case.json) under root, sorted by name. */
export function listCases<Spec = CaseSpec>(root: string): Case<Spec>[] {
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root)
    .filter((name) => fs.existsSync(path.join(root, name, 'case.json')))
    .sort()
    .map((name) => ({ dir: path.join(root, name), spec: JSON.parse(fs.readFileSync(path.join(root, name, 'case.json'), 'utf8')) }));
}

export function readBytes(dir: string, file: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(path.join(dir, file)));
}
