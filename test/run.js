// Runs the uvu suite (TypeScript through tsx) one test file per process, and ends with the line CI
// reads: "N passed, N failed". Separate processes keep a crash of one file's process (a native
// fault in the runtime under test, say) from hiding the results of the others, and say which
// file it was. An argument narrows the run to the files whose path matches it (a regex).
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const testDir = fileURLToPath(new URL('.', import.meta.url));
const uvu = fileURLToPath(new URL('../node_modules/uvu/bin.js', import.meta.url));
const filter = process.argv[2] ? new RegExp(process.argv[2]) : null;

const files = fs.readdirSync(testDir, { recursive: true })
  .map((file) => String(file).split(path.sep).join('/'))
  .filter((file) => file.endsWith('.test.ts') && (!filter || filter.test(file)))
  .sort();

let passed = 0;
let failed = 0;
for (const file of files) {
  const pattern = `^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', uvu, 'test', pattern], {
    cwd: path.join(testDir, '..'),
    stdio: ['inherit', 'pipe', 'inherit'],
    maxBuffer: 256 << 20,
  });
  const output = child.stdout.toString();
  process.stdout.write(output);
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
  const total = Number(/Total:\s+(\d+)/.exec(plain)?.[1] ?? 0);
  const filePassed = Number(/Passed:\s+(\d+)/.exec(plain)?.[1] ?? 0);
  passed += filePassed;
  // uvu prints its totals last: without them the file's process ended early.
  if (!/Total:/.test(plain)) console.log(`\n${file}: the test process ended before its summary (exit code ${child.status}, signal ${child.signal})`);
  failed += child.status === 0 ? total - filePassed : Math.max(1, total - filePassed);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
