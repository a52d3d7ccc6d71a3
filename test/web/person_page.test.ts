// The browser example end to end: examples/web/serve.js serves the page, headless Chromium
// loads tinyq from dist/ as ES modules and the engine .wasm by URL, and the shared camera
// frames uploaded through the file input are classified on the page. Chromium's fake camera
// drives the webcam path. Registers no test where Chromium, ../shared or dist/ is missing.

import fs from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoRoot, sharedDir } from '../conformance.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const FAKE_CAMERA = ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'];
const needs = [CHROMIUM, path.join(sharedDir, 'models/person_detect.tflite'), path.join(sharedDir, 'data/person.png'), path.join(repoRoot, 'dist/index.js')];
const missing = needs.filter((file) => !fs.existsSync(file));

if (missing.length > 0) {
  console.log(`web: ${missing.join(', ')} not found; skipping the browser test (Debian: apt-get install chromium)`);
} else {
  let server: Server;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  test.before(async () => {
    const serveScript = new URL('../../examples/web/serve.js', import.meta.url).href;
    const { startServer } = (await import(serveScript)) as { startServer(port: number): Promise<{ server: Server; url: string }> };
    const started = await startServer(0);
    server = started.server;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...ARGS, ...FAKE_CAMERA] });
    page = await browser.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(started.url);
    await page.waitForFunction(() => document.getElementById('status')!.textContent!.startsWith('ready'), null, { timeout: 30_000 });
  });

  test.after(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  /** Uploads an image and waits for the page to show a new result. */
  async function upload(file: string): Promise<{ label: string; score: number; ms: number }> {
    await page.evaluate(() => (document.getElementById('label')!.textContent = '–'));
    await page.setInputFiles('#file', file);
    await page.waitForFunction(() => document.getElementById('label')!.textContent !== '–', null, { timeout: 10_000 });
    return {
      label: (await page.textContent('#label'))!,
      score: Number(await page.textContent('#score')),
      ms: Number.parseFloat((await page.textContent('#ms'))!),
    };
  }

  test('the page loads person_detect on the engine from its URL', async () => {
    const status = (await page.textContent('#status'))!;
    assert.match(status, /person_detect\.tflite \(input int8 \[1,96,96,1\]\) on the (simd|scalar) engine/);
  });

  test('an uploaded person.png shows person, with the score and the inference time', async () => {
    const result = await upload(path.join(sharedDir, 'data/person.png'));
    assert.is(result.label, 'person');
    // (113 + 128) / 256, the int8 output of shared/data/README.md, as the page rounds it.
    assert.is(result.score, 0.941);
    assert.ok(result.ms > 0, `inference time ${result.ms}`);
  });

  test('an uploaded no_person.png shows no person', async () => {
    assert.is((await upload(path.join(sharedDir, 'data/no_person.png'))).label, 'no person');
  });

  test('the webcam (Chromium fake camera) is classified continuously', async () => {
    await page.evaluate(() => (document.getElementById('ms')!.textContent = '–'));
    await page.click('#camera');
    await page.waitForFunction(() => document.getElementById('ms')!.textContent !== '–', null, { timeout: 10_000 });
    assert.match((await page.textContent('#label'))!, /^(no )?person$/);
    await page.click('#camera');
    assert.is(await page.textContent('#camera'), 'Start webcam');
    assert.equal(errors, []);
  });
}

test.run();
