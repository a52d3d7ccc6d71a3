// WAV (RIFF) files with 16-bit PCM samples: reading and writing.

import { TinyqError } from '../errors.js';

export interface WavAudio {
  sampleRate: number;
  /** One array of 16-bit sample values per channel. */
  channels: Int16Array[];
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

function invalid(reason: string): TinyqError {
  return new TinyqError('INVALID_INPUT', `cannot read WAV: ${reason}`);
}

const fourCC = (bytes: Uint8Array, at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));

/** Reads a RIFF/WAVE file of 16-bit PCM (plain or WAVE_FORMAT_EXTENSIBLE), any channel count. */
export function readWav(bytes: Uint8Array): WavAudio {
  if (bytes.length < 12 || fourCC(bytes, 0) !== 'RIFF' || fourCC(bytes, 8) !== 'WAVE') throw invalid('no RIFF/WAVE header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let format: { channels: number; sampleRate: number } | undefined;
  for (let at = 12; at + 8 <= bytes.length;) {
    const id = fourCC(bytes, at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (body + size > bytes.length && id !== 'data') throw invalid(`chunk '${id}' of ${size} bytes runs past the end of the file`);
    if (id === 'fmt ') {
      if (size < 16) throw invalid(`fmt chunk of ${size} bytes`);
      const code = view.getUint16(body, true);
      const bits = view.getUint16(body + 14, true);
      const pcm = code === WAVE_FORMAT_PCM || (code === WAVE_FORMAT_EXTENSIBLE && size >= 26 && view.getUint16(body + 24, true) === WAVE_FORMAT_PCM);
      if (!pcm || bits !== 16) throw invalid(`format ${code} with ${bits}-bit samples; only 16-bit PCM is supported`);
      format = { channels: view.getUint16(body + 2, true), sampleRate: view.getUint32(body + 4, true) };
      if (format.channels === 0 || format.sampleRate === 0) throw invalid(`${format.channels} channels at ${format.sampleRate} Hz`);
    } else if (id === 'data') {
      if (!format) throw invalid('data chunk before the fmt chunk');
      // Writers that stream may leave the size unset; read what the file holds.
      const end = Math.min(bytes.length, body + size);
      const frames = Math.floor((end - body) / (2 * format.channels));
      const channels = Array.from({ length: format.channels }, () => new Int16Array(frames));
      for (let i = 0; i < frames; i++) {
        for (let c = 0; c < format.channels; c++) channels[c][i] = view.getInt16(body + (i * format.channels + c) * 2, true);
      }
      return { sampleRate: format.sampleRate, channels };
    }
    at = body + size + (size & 1);
  }
  throw invalid(format ? 'no data chunk' : 'no fmt chunk');
}

/** A mono or multi-channel 16-bit PCM WAV file. */
export function encodeWav({ sampleRate, channels }: WavAudio): Uint8Array {
  const frames = channels[0]?.length ?? 0;
  if (channels.length === 0 || channels.some((channel) => channel.length !== frames)) throw new TinyqError('INVALID_ARGUMENT', 'a WAV needs at least one channel, all of the same length');
  const dataBytes = frames * channels.length * 2;
  const bytes = new Uint8Array(44 + dataBytes);
  const view = new DataView(bytes.buffer);
  const text = (at: number, value: string) => [...value].forEach((char, i) => (bytes[at + i] = char.charCodeAt(0)));
  text(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, WAVE_FORMAT_PCM, true);
  view.setUint16(22, channels.length, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * channels.length * 2, true);
  view.setUint16(32, channels.length * 2, true);
  view.setUint16(34, 16, true);
  text(36, 'data');
  view.setUint32(40, dataBytes, true);
  for (let i = 0; i < frames; i++) channels.forEach((channel, c) => view.setInt16(44 + (i * channels.length + c) * 2, channel[i], true));
  return bytes;
}
