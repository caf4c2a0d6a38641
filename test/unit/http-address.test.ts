import { describe, expect, it } from 'vitest';
import { blockedAddressReason } from '../../src/adapters/http/address.ts';

describe('blockedAddressReason (SSRF: where a committed .lfsconfig may not lead)', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
  ])('%s is refused as %s', (address, kind) => {
    expect(blockedAddressReason(address)).toContain(kind);
  });

  it.each([
    '140.82.112.3',
    '172.15.0.1',
    '172.32.0.1',
    '192.169.0.1',
    '100.128.0.1',
    '2606:50c0:8000::153',
    '::ffff:140.82.112.3',
    'fec0::1x',
    'github.com',
  ])('%s is not refused', (address) => {
    expect(blockedAddressReason(address)).toBeUndefined();
  });
});
