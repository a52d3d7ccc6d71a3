// Anomaly scores from autoencoders (MLPerf Tiny AD): how badly the model reconstructs its input.

import type { Interpreter } from '../interpreter.js';
import type { SensorInput } from './files.js';

export interface ReconstructionScore {
  /** Mean over the windows of the mean squared error between a window and its reconstruction. */
  score: number;
  /** The score of each window. */
  windowScores: Float32Array;
  /** Wall time of the invocations. */
  invokeMs: number;
}

/** One input and one output of the input's shape: the model reconstructs its input. */
export function isAutoencoder(interpreter: Interpreter): boolean {
  const [input, ...otherInputs] = interpreter.inputs;
  const [output, ...otherOutputs] = interpreter.outputs;
  return otherInputs.length === 0 && otherOutputs.length === 0 && input.shape.join() === output.shape.join();
}

/**
 * Invokes the model on each window and compares its dequantized output with the window's real
 * values (the features before quantization, as MLPerf Tiny's AD evaluation does; the
 * dequantized input where a window has none).
 */
export function reconstructionError(interpreter: Interpreter, windows: readonly SensorInput[]): ReconstructionScore {
  const input = interpreter.inputs[0];
  const windowScores = new Float32Array(windows.length);
  let invokeMs = 0;
  windows.forEach((window, w) => {
    interpreter.setInput(0, window.values);
    const start = performance.now();
    interpreter.invoke();
    invokeMs += performance.now() - start;
    const reconstruction = interpreter.output(0, 'float');
    const real = window.real ?? Float32Array.from(window.values, (q) => (input.quantized ? input.scale * (Number(q) - input.zeroPoint) : Number(q)));
    let squared = 0;
    for (let k = 0; k < real.length; k++) squared += (real[k] - Number(reconstruction[k])) ** 2;
    windowScores[w] = squared / real.length;
  });
  const score = windowScores.reduce((sum, value) => sum + value, 0) / windows.length;
  return { score, windowScores, invokeMs };
}
