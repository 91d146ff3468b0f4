// Arc's epoch-unit guess (reference/arc.md §2.3): the unit comes from the size of one value
// (the first of a columnar `time` column, or each row's `t`) and everything is stored as
// int64 microseconds. Go's int64 arithmetic wraps, so results are folded back into 64 bits.
import { goTypeName, TaggedValue } from './msgpack-tagged.decoder';

export class TimestampError extends Error {}

type Scale = { multiply: bigint } | { divide: bigint };

/** Converts a numeric msgpack value the way Go's int64(v) does; null when not numeric. */
export function toGoInt64(value: TaggedValue): bigint | null {
  if (value.kind === 'int') return BigInt.asIntN(64, value.value);
  if (value.kind === 'float') {
    if (!Number.isFinite(value.value)) return -(2n ** 63n);
    return BigInt.asIntN(64, BigInt(Math.trunc(value.value)));
  }
  return null;
}

function scaleFor(first: bigint): Scale {
  if (first < 10_000_000_000n) return { multiply: 1_000_000n };
  if (first < 10_000_000_000_000n) return { multiply: 1_000n };
  if (first < 10_000_000_000_000_000n) return { multiply: 1n };
  return { divide: 1_000n };
}

function applyScale(value: bigint, scale: Scale): bigint {
  // Go's integer division truncates toward zero, as BigInt division does.
  return 'multiply' in scale ? BigInt.asIntN(64, value * scale.multiply) : value / scale.divide;
}

/** One row-format timestamp (`t`) to microseconds; `now` when the row has none. */
export function rowTimestampMicros(t: TaggedValue | undefined, nowMicros: bigint): bigint {
  if (t === undefined || t.kind === 'nil') return nowMicros;
  const raw = toGoInt64(t);
  if (raw === null) throw new TimestampError(`invalid timestamp type: ${goTypeName(t)}`);
  return applyScale(raw, scaleFor(raw));
}

/** A columnar `time` column to microseconds, the unit guessed from its first value. */
export function columnTimestampsMicros(values: readonly TaggedValue[]): bigint[] {
  const first = toGoInt64(values[0]);
  if (first === null) {
    throw new TimestampError(
      `failed to normalize timestamps: invalid timestamp type in columnar format: ${goTypeName(values[0])}`,
    );
  }
  const scale = scaleFor(first);
  return values.map((value, index) => {
    const raw = toGoInt64(value);
    if (raw === null) {
      throw new TimestampError(
        `failed to normalize timestamps: invalid timestamp type at index ${index}: ${goTypeName(value)}`,
      );
    }
    return applyScale(raw, scale);
  });
}
