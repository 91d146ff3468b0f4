import { encode } from '@msgpack/msgpack';
import { decodeTagged, goTypeName, MsgpackDecodeError } from './msgpack-tagged.decoder';

describe('tagged msgpack decoding', () => {
  it('keeps an integral float a float and an int an int', () => {
    const value = decodeTagged(encode([1, 1.0, 1.5], { forceIntegerToFloat: true }));
    expect(value).toEqual({
      kind: 'array',
      items: [
        { kind: 'float', value: 1, goType: 'float64' },
        { kind: 'float', value: 1, goType: 'float64' },
        { kind: 'float', value: 1.5, goType: 'float64' },
      ],
    });
    expect(decodeTagged(encode(1))).toEqual({ kind: 'int', value: 1n, goType: 'int8' });
  });

  it('decodes every integer width, including int64 beyond 2^53', () => {
    const big = 2n ** 62n + 1n;
    const value = decodeTagged(encode([-1, 200, 70000, -70000, big], { useBigInt64: true }));
    expect(value.kind === 'array' && value.items.map((item) => item.kind === 'int' && item.value)).toEqual([
      -1n,
      200n,
      70000n,
      -70000n,
      big,
    ]);
  });

  it('decodes float32, strings, maps, nil, bool and bin', () => {
    expect(decodeTagged(Buffer.from([0xca, 0x3f, 0xc0, 0x00, 0x00]))).toEqual({ kind: 'float', value: 1.5, goType: 'float32' });
    const map = decodeTagged(encode({ s: 'é', n: null, b: true, x: new Uint8Array([1]) }));
    expect(map.kind).toBe('map');
    if (map.kind !== 'map') return;
    expect(map.entries.get('s')).toEqual({ kind: 'str', value: 'é' });
    expect(map.entries.get('n')).toEqual({ kind: 'nil' });
    expect(map.entries.get('b')).toEqual({ kind: 'bool', value: true });
    expect(goTypeName(map.entries.get('x')!)).toBe('[]uint8');
  });

  it('decodes the timestamp extension as time.Time and refuses other extensions', () => {
    const time = decodeTagged(encode(new Date(1_787_234_602_500)));
    expect(time).toEqual({ kind: 'time', seconds: 1_787_234_602n, nanos: 500_000_000 });
    expect(goTypeName(time)).toBe('time.Time');
    expect(() => decodeTagged(Buffer.from([0xd4, 0x05, 0x00]))).toThrow(new MsgpackDecodeError('msgpack: unknown ext id=5'));
  });

  it('fails on truncated input', () => {
    expect(() => decodeTagged(Buffer.from([0x92, 0x01]))).toThrow(MsgpackDecodeError);
  });
});
