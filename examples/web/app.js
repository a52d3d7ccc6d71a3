// The person detection page: a chosen image or webcam frames -> the model's input -> invoke.
// tinyq comes from dist/ (see the import map in index.html); the engine .wasm is fetched by URL.
import { frameFromPixels, imageToInput, Interpreter } from 'tinyq';

const LABELS = ['no person', 'person'];
const WASM = { simd: new URL('/build/tinyq-simd.wasm', location.href), scalar: new URL('/build/tinyq.wasm', location.href) };
const CAMERA_INTERVAL_MS = 200;
const element = (id) => document.getElementById(id);
const status = (text) => (element('status').textContent = text);

let interpreter;
let camera;

async function loadModel() {
  const name = element('model').value;
  status(`loading ${name}…`);
  interpreter = undefined;
  const loaded = await Interpreter.load(new URL(`/models/${name}`, location.href), { wasm: WASM });
  interpreter = loaded;
  const [input] = loaded.inputs;
  status(`ready: ${name} (input ${input.dtype} [${input.shape}]) on the ${loaded.engine} engine, ${loaded.arenaBytes.toLocaleString()} bytes of arena`);
}

/** Classifies a drawable (image bitmap or video) of the given size and shows the result. */
function classify(source, width, height) {
  if (!interpreter) return;
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d');
  context.drawImage(source, 0, 0, width, height);
  const frame = frameFromPixels(context.getImageData(0, 0, width, height).data, width, height, 'rgba');
  const input = imageToInput(frame, interpreter.inputs[0]);
  interpreter.setInput(0, input);
  const start = performance.now();
  interpreter.invoke();
  const ms = performance.now() - start;
  const [noPerson, person] = interpreter.output(0, 'float');
  const label = LABELS[person > noPerson ? 1 : 0];
  element('label').textContent = label;
  element('label').className = label.replace(' ', '-');
  element('score').textContent = person.toFixed(3);
  element('ms').textContent = `${ms.toFixed(1)} ms`;
  showInput(input, interpreter.inputs[0].shape);
}

/** Draws the quantized input back as pixels (int8 q is pixel q + 128). */
function showInput(input, [, height, width, channels]) {
  const preview = element('preview');
  preview.width = width;
  preview.height = height;
  const context = preview.getContext('2d');
  const image = context.createImageData(width, height);
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++) image.data[p * 4 + c] = input[p * channels + (channels === 3 ? c : 0)] + 128;
    image.data[p * 4 + 3] = 255;
  }
  context.putImageData(image, 0, 0);
}

async function classifyFile(file) {
  const bitmap = await createImageBitmap(file);
  classify(bitmap, bitmap.width, bitmap.height);
  bitmap.close();
}

async function toggleCamera() {
  const video = element('video');
  if (camera) {
    clearInterval(camera.timer);
    camera.stream.getTracks().forEach((track) => track.stop());
    camera = undefined;
    video.hidden = true;
    element('camera').textContent = 'Start webcam';
    return;
  }
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 } });
  video.srcObject = stream;
  video.hidden = false;
  await video.play();
  const timer = setInterval(() => video.videoWidth > 0 && classify(video, video.videoWidth, video.videoHeight), CAMERA_INTERVAL_MS);
  camera = { stream, timer };
  element('camera').textContent = 'Stop webcam';
}

const report = (error) => status(`error: ${error.message}`);
element('file').addEventListener('change', (event) => event.target.files[0] && classifyFile(event.target.files[0]).catch(report));
element('camera').addEventListener('click', () => toggleCamera().catch(report));
element('model').addEventListener('change', () => loadModel().catch(report));
loadModel().catch(report);
