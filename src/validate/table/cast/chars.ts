/** Character tests and zero-padded digits shared by the readers and the canonical output. */

/** Python's `str.isspace()` / regex `\s` for the characters that matter. */
export function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13) || (c >= 28 && c <= 31);
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

export function lowerCode(c: number): number {
  if (c >= 65 && c <= 90) return c + 32;
  if (c < 128) return c;
  return String.fromCharCode(c).toLowerCase().charCodeAt(0);
}

/** Two ASCII digits at s[p], or -1. */
export function d2(s: string, p: number): number {
  const a = s.charCodeAt(p) - 48;
  const b = s.charCodeAt(p + 1) - 48;
  // written so that NaN (past the end) fails too
  if (!(a >= 0 && a <= 9 && b >= 0 && b <= 9)) return -1;
  return a * 10 + b;
}

const PAD2: readonly string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : String(i)));
export const POW10: readonly number[] = [1, 10, 100, 1000, 10000, 100000, 1000000];

export function pad2(n: number): string {
  return PAD2[n] ?? String(n);
}
export function pad4(n: number): string {
  return n >= 1000 ? String(n) : n >= 100 ? `0${n}` : n >= 10 ? `00${n}` : `000${n}`;
}
export function pad6(n: number): string {
  const s = String(n);
  return '000000'.slice(s.length) + s;
}
