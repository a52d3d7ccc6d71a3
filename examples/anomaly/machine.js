// A synthetic machine sound, for the anomaly example: a motor turning at about 50 Hz (30
// harmonics), gear-mesh whine at 12x the shaft rate, and low-passed plus white noise, at
// roughly the level of MLPerf Tiny's ToyCar recordings (log-mel around -30 dB). The faults
// add what wear sounds like: `bearing`, impacts at 7.3x the shaft rate ringing at 3 kHz;
// `rub`, bursts of 2-5 kHz friction noise 1.5 times a second.

export const SAMPLE_RATE = 16000;
export const KINDS = ['normal', 'bearing', 'rub'];

/** A seeded uniform generator (mulberry32), so every run synthesizes the same recordings. */
function uniform(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** `seconds` of 16-bit PCM at 16 kHz. */
export function machineSound(kind, seed, seconds = 10) {
  if (!KINDS.includes(kind)) throw new Error(`unknown machine sound '${kind}'; the kinds are ${KINDS.join(', ')}`);
  const random = uniform(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  const shaftHz = 45 + 5 * random();
  const impactPeriod = Math.round(SAMPLE_RATE / (7.3 * shaftHz));
  const samples = new Int16Array(seconds * SAMPLE_RATE);
  let phase = 0;
  let lowNoise = 0;
  let band = 0;
  let bandLow = 0;
  for (let i = 0; i < samples.length; i++) {
    const t = i / SAMPLE_RATE;
    phase += (2 * Math.PI * shaftHz * (1 + 0.01 * Math.sin(2 * Math.PI * 0.3 * t))) / SAMPLE_RATE;
    let motor = 0;
    for (let k = 1; k <= 30; k++) motor += Math.sin(k * phase + k * k) / k;
    const white = gaussian();
    lowNoise += 0.05 * (white - lowNoise);
    let x = 0.5 * motor + 0.3 * Math.sin(12 * phase) + 2 * lowNoise + 0.08 * white;
    if (kind === 'bearing') {
      const sinceImpact = i % impactPeriod;
      x += 1.5 * Math.exp(-sinceImpact / 30) * Math.sin((2 * Math.PI * 3000 * sinceImpact) / SAMPLE_RATE);
    } else if (kind === 'rub') {
      band += 0.6 * (white - band);
      bandLow += 0.3 * (band - bandLow);
      if (Math.sin(2 * Math.PI * 1.5 * t) > 0.6) x += 5 * (band - bandLow);
    }
    samples[i] = Math.max(-32768, Math.min(32767, Math.round(x * 0.02 * 32767)));
  }
  return samples;
}
