// A tiny static server for the person detection page: the page from examples/web/, the host
// modules from dist/, the engine builds from build/, and the published models and sample
// images from ../shared. Listens on 127.0.0.1 only.
//   node examples/web/serve.js [PORT]      (default 8080; 0 picks a free port)
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const ROUTES = [
  ['/dist/', join(repo, 'dist')],
  ['/build/', join(repo, 'build')],
  ['/models/', resolve(repo, '..', 'shared', 'models')],
  ['/data/', resolve(repo, '..', 'shared', 'data')],
  ['/', join(repo, 'examples', 'web')],
];
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.tflite': 'application/octet-stream',
  '.png': 'image/png',
  '.bmp': 'image/bmp',
};

/** The file a URL path names, or undefined when it is outside the served folders. */
function fileFor(pathname) {
  const [prefix, root] = ROUTES.find(([route]) => pathname.startsWith(route));
  const file = resolve(root, `.${pathname.slice(prefix.length - 1)}`);
  if (file !== root && !file.startsWith(root + sep)) return undefined;
  return pathname.endsWith('/') ? join(file, 'index.html') : file;
}

async function respond(request, response) {
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
  } catch {
    pathname = undefined;
  }
  const file = pathname && fileFor(pathname);
  if (!file || request.method !== 'GET') {
    response.writeHead(file ? 405 : 404).end();
    return;
  }
  try {
    const body = await readFile(file);
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
  } catch {
    response.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${pathname}\n`);
  }
}

/** Starts the server; resolves to it and the page's URL. */
export function startServer(port = 8080) {
  const server = createServer((request, response) => void respond(request, response));
  return new Promise((resolveStart, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolveStart({ server, url: `http://127.0.0.1:${server.address().port}/` }));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { url } = await startServer(Number(process.argv[2] ?? 8080));
  console.log(`person detection page: ${url}  (Ctrl+C stops)`);
}
