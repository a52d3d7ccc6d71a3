// Runs the uvu suite (TypeScript through tsx) and ends with the line CI reads: "N passed, N failed".
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const uvu = fileURLToPath(new URL('../node_modules/uvu/bin.js', import.meta.url));
const child = spawn(process.execPath, ['--import', 'tsx', uvu, 'test', '\\.test\\.ts$', ...process.argv.slice(2)], {
  stdio: ['inherit', 'pipe', 'inherit'],
});
let output = '';
child.stdout.on('data', (chunk) => {
  output += chunk;
  process.stdout.write(chunk);
});
child.on('close', (code, signal) => {
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
  // uvu prints its totals last: without them the test process ended early.
  if (!/Total:/.test(plain)) console.log(`\nthe test process ended before its summary (exit code ${code}, signal ${signal})`);
  const total = Number(/Total:\s+(\d+)/.exec(plain)?.[1] ?? 0);
  const passed = Number(/Passed:\s+(\d+)/.exec(plain)?.[1] ?? 0);
  const failed = code === 0 ? total - passed : Math.max(1, total - passed);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(code ?? 1);
});
