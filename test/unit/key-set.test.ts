import { describe, expect, it } from 'vitest';
import { KeySet } from '../../src/validate/table/key-set.ts';

/** A deterministic PRNG so the generated sequences are the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('KeySet', () => {
  it('answers exactly like a Set for sorted, shuffled and partly sorted keys', () => {
    const rand = mulberry32(3);
    for (let round = 0; round < 200; round++) {
      const ks = new KeySet();
      const ref = new Set<unknown>();
      const strings = round % 2 === 0;
      let base = 0;
      for (let k = 0; k < 300; k++) {
        // mostly increasing, sometimes a repeat or a step back
        const r = rand();
        base += r < 0.7 ? 1 : 0;
        const n = r < 0.85 ? base : Math.floor(rand() * (base + 2));
        const key = strings ? `k${String(n).padStart(5, '0')}` : n;
        expect(ks.add(key)).toBe(!ref.has(key));
        ref.add(key);
      }
    }
  });

  it('treats NaN, objects and mixed types correctly', () => {
    const ks = new KeySet();
    expect(ks.add(1)).toBe(true);
    expect(ks.add('1')).toBe(true);
    expect(ks.add(1)).toBe(false);
    expect(ks.add(NaN)).toBe(true);
    expect(ks.add(NaN)).toBe(false);
    expect(ks.add(2n)).toBe(true);
    expect(ks.add(2n)).toBe(false);
  });
});
