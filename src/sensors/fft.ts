// Radix-2 FFT of real frames, for the spectrograms of the audio front-end.

import { TinyqError } from '../errors.js';

/** An in-place iterative radix-2 FFT of one power-of-two length; twiddles and bit reversal are computed once. */
export class Fft {
  readonly length: number;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly reversed: Uint32Array;
  private readonly real: Float64Array;
  private readonly imag: Float64Array;

  constructor(length: number) {
    if (!(Number.isInteger(length) && length >= 2 && (length & (length - 1)) === 0)) {
      throw new TinyqError('INVALID_ARGUMENT', `FFT length must be a power of two >= 2; got ${length}`);
    }
    this.length = length;
    this.cos = Float64Array.from({ length: length / 2 }, (_, k) => Math.cos((2 * Math.PI * k) / length));
    this.sin = Float64Array.from({ length: length / 2 }, (_, k) => -Math.sin((2 * Math.PI * k) / length));
    const bits = Math.log2(length);
    this.reversed = Uint32Array.from({ length }, (_, i) => {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      return r;
    });
    this.real = new Float64Array(length);
    this.imag = new Float64Array(length);
  }

  /**
   * The first length / 2 + 1 bins of the DFT of `frame` (zero-padded to the FFT length), as
   * |X| (`magnitude`) or |X|^2 (`power`), written to `spectrum`.
   */
  spectrum(frame: ArrayLike<number>, spectrum: Float64Array, kind: 'magnitude' | 'power'): void {
    const { length, real, imag, reversed, cos, sin } = this;
    for (let i = 0; i < length; i++) {
      real[reversed[i]] = i < frame.length ? frame[i] : 0;
      imag[i] = 0;
    }
    for (let size = 2; size <= length; size *= 2) {
      const half = size / 2;
      const twiddleStep = length / size;
      for (let start = 0; start < length; start += size) {
        for (let k = 0; k < half; k++) {
          const wr = cos[k * twiddleStep];
          const wi = sin[k * twiddleStep];
          const a = start + k;
          const b = a + half;
          const br = real[b] * wr - imag[b] * wi;
          const bi = real[b] * wi + imag[b] * wr;
          real[b] = real[a] - br;
          imag[b] = imag[a] - bi;
          real[a] += br;
          imag[a] += bi;
        }
      }
    }
    for (let k = 0; k <= length / 2; k++) {
      const power = real[k] * real[k] + imag[k] * imag[k];
      spectrum[k] = kind === 'power' ? power : Math.sqrt(power);
    }
  }
}
