/**
 * Which IP addresses an endpoint taken from repository content may not reach (SSRF): a committed
 * `.lfsconfig` or a remote resource's URL must not make the validator talk to the machine it runs
 * on or its private network.
 */

import { isIP } from 'node:net';

/**
 * Why `address` (an IPv4 or IPv6 literal) may not be reached from repository-controlled URLs, e.g.
 * `"a loopback address"`, or undefined when it is a public address. Not an IP literal: undefined.
 */
export function blockedAddressReason(address: string): string | undefined {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const kind = isIP(bare);
  if (kind === 4) return ipv4Reason(ipv4Bytes(bare));
  if (kind === 6) return ipv6Reason(ipv6Bytes(bare));
  return undefined;
}

function ipv4Bytes(a: string): number[] {
  return a.split('.').map(Number);
}

function ipv4Reason(b: number[]): string | undefined {
  const [x = 0, y = 0] = b;
  if (x === 0) return 'an unspecified address (0.0.0.0/8)';
  if (x === 127) return 'a loopback address (127.0.0.0/8)';
  if (x === 10) return 'a private address (10.0.0.0/8)';
  if (x === 172 && y >= 16 && y <= 31) return 'a private address (172.16.0.0/12)';
  if (x === 192 && y === 168) return 'a private address (192.168.0.0/16)';
  if (x === 100 && y >= 64 && y <= 127) return 'a shared (carrier-grade NAT) address (100.64.0.0/10)';
  if (x === 169 && y === 254) return 'a link-local address (169.254.0.0/16)';
  if (x >= 224) return 'a multicast or reserved address (224.0.0.0/3)';
  return undefined;
}

/** 16 bytes of an IPv6 literal (validated by isIP beforehand). */
function ipv6Bytes(a: string): number[] {
  // a dotted IPv4 tail (::ffff:127.0.0.1) is two 16-bit groups
  const text = a
    .toLowerCase()
    .replace(
      /(\d+)\.(\d+)\.(\d+)\.(\d+)$/,
      (_m, p, q, r, s) => `${((Number(p) << 8) | Number(q)).toString(16)}:${((Number(r) << 8) | Number(s)).toString(16)}`,
    );
  const groups = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const [head = '', rest] = text.split('::') as [string, string | undefined];
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

function ipv6Reason(b: number[]): string | undefined {
  const zero = (from: number, to: number): boolean => b.slice(from, to).every((x) => x === 0);
  if (zero(0, 16)) return 'an unspecified address (::)';
  if (zero(0, 15) && b[15] === 1) return 'a loopback address (::1)';
  // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) reach the IPv4 address inside
  if (zero(0, 10) && b[10] === 0xff && b[11] === 0xff) return ipv4Reason(b.slice(12));
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zero(4, 12)) return ipv4Reason(b.slice(12));
  const first = b[0] ?? 0;
  const second = b[1] ?? 0;
  if ((first & 0xfe) === 0xfc) return 'a private (unique local) address (fc00::/7)';
  if (first === 0xfe && (second & 0xc0) === 0x80) return 'a link-local address (fe80::/10)';
  if (first === 0xfe && (second & 0xc0) === 0xc0) return 'a site-local address (fec0::/10)';
  if (first === 0xff) return 'a multicast address (ff00::/8)';
  return undefined;
}
