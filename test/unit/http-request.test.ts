/** The LFS client's address check happens where the connection is made, so names and redirects cannot get round it. */
import { describe, expect, it } from 'vitest';
import { BlockedAddressError, blockedHostReason, send } from '../../src/adapters/http/request.ts';

describe('connections to repository-controlled endpoints', () => {
  it('a host name that resolves to a loopback address is refused when connecting', async () => {
    const e: unknown = await send(new URL('http://localhost:9/objects/batch'), { method: 'POST', body: '{}', publicOnly: true }).catch(
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(BlockedAddressError);
    expect((e as Error).message).toMatch(/^localhost is (127\.0\.0\.1|::1), a loopback address/);
  });

  it('an IP literal is refused before any connection', async () => {
    await expect(send(new URL('http://[::ffff:169.254.169.254]/latest/meta-data'), { method: 'GET', publicOnly: true })).rejects.toThrow(
      /link-local/,
    );
    await expect(send(new URL('http://10.0.0.8/'), { method: 'GET', publicOnly: true })).rejects.toThrow(BlockedAddressError);
  });

  it('blockedHostReason resolves names', async () => {
    expect(await blockedHostReason('localhost')).toMatchObject({ reason: expect.stringContaining('loopback') });
    expect(await blockedHostReason('192.168.0.1')).toEqual({ address: '192.168.0.1', reason: 'a private address (192.168.0.0/16)' });
    expect(await blockedHostReason('140.82.112.3')).toBeUndefined();
  });
});
