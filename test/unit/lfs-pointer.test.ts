import { describe, expect, it } from 'vitest';
import { parseLfsPointer } from '../../src/adapters/git/pointer.ts';

const OID = '4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393';
const V = 'version https://git-lfs.github.com/spec/v1\n';
const parse = (s: string) => parseLfsPointer(new TextEncoder().encode(s));

describe('parseLfsPointer', () => {
  it('reads what git-lfs writes', () => {
    expect(parse(`${V}oid sha256:${OID}\nsize 12345\n`)).toEqual({ pointer: { oid: OID, size: 12345 } });
    expect(parse(`${V}oid sha256:${OID}\nsize 0\n`)).toEqual({ pointer: { oid: OID, size: 0 } });
  });

  it('ordinary content is not a pointer', () => {
    for (const s of [
      '',
      'id,amount\n1,2\n',
      'version 2\n',
      `version https://git-lfs.github.com/spec/v1`.slice(0, 20),
      `${V}oid sha256:${OID}\nsize 1\n${'x'.repeat(1024)}`,
    ]) {
      expect(parse(s)).toBeNull();
    }
  });

  it.each([
    [`${V}oid sha256:${OID}\nsize 12`, /newline/],
    [`${V}oid sha256:${OID}\r\nsize 12\r\n`, /carriage returns/],
    [`${V}size 12\noid sha256:${OID}\n`, /out of order/],
    [`${V}oid sha256:${OID}\noid sha256:${OID}\nsize 12\n`, /out of order or repeated/],
    [`${V}oid sha256:${OID.toUpperCase()}\nsize 12\n`, /64 lowercase hex/],
    [`${V}oid sha256:${OID.slice(1)}\nsize 12\n`, /64 lowercase hex/],
    [`${V}oid md5:${OID}\nsize 12\n`, /"sha256:"/],
    [`${V}oid sha256:${OID}\nsize 012\n`, /whole number/],
    [`${V}oid sha256:${OID}\nsize -1\n`, /whole number/],
    [`${V}oid sha256:${OID}\nsize 99999999999999999999\n`, /whole number/],
    [`${V}oid sha256:${OID}\n`, /no size/],
    [`${V}size 12\n`, /no oid/],
    [`${V}ext-0-foo sha256:${OID}\noid sha256:${OID}\nsize 12\n`, /extension "ext-0-foo"/],
    [`${V}oid sha256:${OID}\nsize 12\nzzz 1\n`, /unknown key "zzz"/],
    [`${V}oid  sha256:${OID}\nsize 12\n`, /64 lowercase hex/],
    [`${V}\noid sha256:${OID}\nsize 12\n`, /not "key value"/],
  ])('a malformed pointer says why: %j', (s, why) => {
    const got = parse(s);
    expect(got).not.toBeNull();
    expect(got && 'invalid' in got ? got.invalid : '').toMatch(why);
  });

  it('invalid UTF-8 after the version line', () => {
    const bytes = new Uint8Array([...new TextEncoder().encode(V), 0xff, 0x0a]);
    expect(parseLfsPointer(bytes)).toEqual({ invalid: 'it is not valid UTF-8' });
  });
});
