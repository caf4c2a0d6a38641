import { mulberry32 } from '../../bench/generate.ts';
import { describe, expect, it } from 'vitest';
import { KeySet } from '../../src/validate/table/key-set.ts';

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
