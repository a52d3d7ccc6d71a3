// tinyq sweep: quantizes one float model with every calibrator at each weight width (and 16x8
// mode, and k-means weights), evaluates each result, and draws accuracy against model size as
// an SVG chart.

import { Interpreter } from '../interpreter.js';
import { CALIBRATORS, type Calibrator } from './calibrate.js';
import { accuracy, quantizeModel } from './index.js';
import type { QuantizationMode, WeightBits } from './rewrite.js';

export interface SweepPoint {
  label: string;
  calibrator?: Calibrator;
  mode?: QuantizationMode;
  weightBits?: WeightBits;
  weightClusters?: number;
  accuracy: number;
  /** Bytes of the .tflite file. */
  bytes: number;
  /** Bytes after SweepOptions.compressedSize (gzip in the CLI): what clustered weights gain. */
  compressedBytes?: number;
}

export interface SweepOptions {
  calibrators?: readonly Calibrator[];
  weightBits?: readonly WeightBits[];
  modes?: readonly QuantizationMode[];
  /** Weight cluster counts tried with 8-bit weights and minmax calibration (default 16). */
  weightClusters?: readonly number[];
  /** Size of a model after compression, for the compressedBytes column. */
  compressedSize?: (model: Uint8Array) => number;
  progress?: (label: string) => void;
}

export async function sweep(floatModel: Uint8Array, calibration: Float32Array[][], samples: Float32Array[], labels: ArrayLike<number>, options: SweepOptions = {}): Promise<SweepPoint[]> {
  const floatInterpreter = await Interpreter.load(floatModel);
  const compressed = (model: Uint8Array) => options.compressedSize?.(model);
  const points: SweepPoint[] = [{ label: 'float32', accuracy: accuracy(floatInterpreter, samples, labels), bytes: floatModel.length, compressedBytes: compressed(floatModel) }];
  const configurations: { calibrator: Calibrator; mode: QuantizationMode; weightBits: WeightBits; weightClusters?: number }[] = [];
  for (const mode of options.modes ?? ['int8', 'int16x8'] as const) {
    for (const weightBits of mode === 'int8' ? options.weightBits ?? [8, 4] as const : [8] as const) {
      for (const calibrator of options.calibrators ?? CALIBRATORS) configurations.push({ calibrator, mode, weightBits });
    }
  }
  for (const weightClusters of options.weightClusters ?? [16]) configurations.push({ calibrator: 'minmax', mode: 'int8', weightBits: 8, weightClusters });
  for (const configuration of configurations) {
    const clusters = configuration.weightClusters ? ` k${configuration.weightClusters}` : '';
    const label = `${configuration.mode === 'int8' ? `int8 w${configuration.weightBits}${clusters}` : '16x8'} ${configuration.calibrator}`;
    options.progress?.(label);
    const { model } = await quantizeModel(floatModel, calibration, configuration);
    const interpreter = await Interpreter.load(model);
    points.push({ label, ...configuration, accuracy: accuracy(interpreter, samples, labels), bytes: model.length, compressedBytes: compressed(model) });
  }
  return points;
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** A scatter plot of accuracy (%) against model size (KB), one mark per point. */
export function sweepChart(points: SweepPoint[], title: string): string {
  const width = 640;
  const height = 400;
  const margin = { left: 60, right: 150, top: 40, bottom: 50 };
  const sizes = points.map((p) => p.bytes / 1024);
  const accuracies = points.map((p) => 100 * p.accuracy);
  const [xMin, xMax] = [0, Math.max(...sizes) * 1.1];
  const low = Math.floor(Math.min(...accuracies) - 1);
  const high = Math.min(100, Math.ceil(Math.max(...accuracies) + 0.5));
  const x = (kb: number) => margin.left + ((kb - xMin) / (xMax - xMin)) * (width - margin.left - margin.right);
  const y = (percent: number) => height - margin.bottom - ((percent - low) / Math.max(high - low, 1e-9)) * (height - margin.top - margin.bottom);
  const colors: Record<string, string> = { float32: '#444', minmax: '#1f77b4', percentile: '#ff7f0e', mse: '#2ca02c', entropy: '#d62728' };
  const lines: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${(width - margin.right + margin.left) / 2}" y="20" font-size="14" text-anchor="middle">${escape(title)}</text>`,
    `<line x1="${margin.left}" y1="${height - margin.bottom}" x2="${width - margin.right}" y2="${height - margin.bottom}" stroke="black"/>`,
    `<line x1="${margin.left}" y1="${margin.top}" x2="${margin.left}" y2="${height - margin.bottom}" stroke="black"/>`,
    `<text x="${(width - margin.right) / 2}" y="${height - 12}">model size (KB)</text>`,
    `<text transform="translate(16 ${height / 2 + 40}) rotate(-90)">top-1 accuracy (%)</text>`,
  ];
  for (let tick = 0; tick <= 4; tick++) {
    const kb = xMin + (tick / 4) * (xMax - xMin);
    const percent = low + (tick / 4) * (high - low);
    lines.push(`<text x="${x(kb) - 10}" y="${height - margin.bottom + 16}">${kb.toFixed(1)}</text>`);
    lines.push(`<text x="${margin.left - 40}" y="${y(percent) + 4}">${percent.toFixed(1)}</text>`);
    lines.push(`<line x1="${margin.left}" y1="${y(percent)}" x2="${width - margin.right}" y2="${y(percent)}" stroke="#eee"/>`);
  }
  points.forEach((point, i) => {
    const color = colors[point.calibrator ?? 'float32'];
    const shape = point.mode === 'int16x8' ? 'rect' : point.weightClusters ? 'triangle' : point.weightBits === 4 ? 'diamond' : 'circle';
    const [cx, cy] = [x(sizes[i]), y(accuracies[i])];
    // Calibrators that land on the same point show as concentric outlines, the first the largest.
    const r = 9 - 1.5 * CALIBRATORS.indexOf(point.calibrator ?? 'minmax');
    const style = `fill="none" stroke="${color}" stroke-width="2"`;
    if (shape === 'circle') lines.push(`<circle cx="${cx}" cy="${cy}" r="${r}" ${style}/>`);
    else if (shape === 'rect') lines.push(`<rect x="${cx - r}" y="${cy - r}" width="${2 * r}" height="${2 * r}" ${style}/>`);
    else if (shape === 'triangle') lines.push(`<polygon points="${cx},${cy - r - 1} ${cx + r + 1},${cy + r} ${cx - r - 1},${cy + r}" ${style}/>`);
    else lines.push(`<polygon points="${cx},${cy - r - 1} ${cx + r + 1},${cy} ${cx},${cy + r + 1} ${cx - r - 1},${cy}" ${style}/>`);
  });
  const legend = [['float32', 'float32'], ...CALIBRATORS.map((c) => [c, c])];
  legend.forEach(([key, text], i) => {
    lines.push(`<circle cx="${width - margin.right + 20}" cy="${margin.top + 16 * i}" r="5" fill="${colors[key]}"/>`);
    lines.push(`<text x="${width - margin.right + 30}" y="${margin.top + 16 * i + 4}">${text}</text>`);
  });
  const shapes = ['int8, 8-bit weights', 'int8, 4-bit weights', '16x8', 'int8, k-means weights'];
  shapes.forEach((text, i) => {
    const cy = margin.top + 16 * (legend.length + 1 + i);
    const cx = width - margin.right + 20;
    if (i === 0) lines.push(`<circle cx="${cx}" cy="${cy}" r="5" fill="#999"/>`);
    else if (i === 1) lines.push(`<polygon points="${cx},${cy - 6} ${cx + 6},${cy} ${cx},${cy + 6} ${cx - 6},${cy}" fill="#999"/>`);
    else if (i === 2) lines.push(`<rect x="${cx - 5}" y="${cy - 5}" width="10" height="10" fill="#999"/>`);
    else lines.push(`<polygon points="${cx},${cy - 6} ${cx + 6},${cy + 5} ${cx - 6},${cy + 5}" fill="#999"/>`);
    lines.push(`<text x="${cx + 10}" y="${cy + 4}">${text}</text>`);
  });
  lines.push('</svg>');
  return lines.join('\n');
}
