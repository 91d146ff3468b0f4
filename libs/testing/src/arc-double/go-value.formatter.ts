// Go's text renderings that Arc puts on the wire, reproduced exactly because clients compare
// them: strconv 'f' floats in query results, fmt %v floats in row-format tag values, and
// time.RFC3339Nano timestamps (JS toISOString always prints milliseconds, Go trims zeros).

/** strconv.FormatFloat(v, 'f', -1, bits): shortest round-trip digits, never an exponent. */
export function formatGoFloatF(value: number, bits: 32 | 64 = 64): string {
  if (Object.is(value, -0)) return '-0';
  const { negative, digits, pointPos } = shortestDigits(value, bits);
  let text: string;
  if (pointPos <= 0) text = `0.${'0'.repeat(-pointPos)}${digits}`;
  else if (pointPos >= digits.length) text = digits + '0'.repeat(pointPos - digits.length);
  else text = `${digits.slice(0, pointPos)}.${digits.slice(pointPos)}`;
  return negative ? `-${text}` : text;
}

/** fmt's %v for a float64 (%g, shortest): exponent form when the exponent is < -4 or >= 6. */
export function formatGoFloatV(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const { negative, digits, pointPos } = shortestDigits(value, 64);
  const exp = pointPos - 1;
  if (exp < -4 || exp >= 6) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const sign = exp < 0 ? '-' : '+';
    const text = `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
    return negative ? `-${text}` : text;
  }
  return formatGoFloatF(value);
}

/**
 * Go time.RFC3339Nano in UTC from nanoseconds since the epoch:
 * "2026-08-20T14:03:22Z", "2026-08-20T14:03:22.5Z", "2026-08-20T14:03:22.123456Z".
 */
export function formatRfc3339Nano(epochNanos: bigint): string {
  const nanosPerSecond = 1_000_000_000n;
  let seconds = epochNanos / nanosPerSecond;
  let fraction = epochNanos % nanosPerSecond;
  if (fraction < 0n) {
    fraction += nanosPerSecond;
    seconds -= 1n;
  }
  const base = new Date(Number(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, '');
  if (fraction === 0n) return `${base}Z`;
  const digits = fraction.toString().padStart(9, '0').replace(/0+$/, '');
  return `${base}.${digits}Z`;
}

/** Go time.RFC3339 (whole seconds, UTC), used for the envelope's `timestamp`. */
export function formatRfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

interface DecimalDigits {
  negative: boolean;
  /** Significant digits without leading or trailing zeros. */
  digits: string;
  /** Position of the decimal point relative to the start of `digits`. */
  pointPos: number;
}

/** The shortest digit string that reads back as the same float32/float64. */
function shortestDigits(value: number, bits: 32 | 64): DecimalDigits {
  const negative = value < 0;
  const magnitude = Math.abs(value);
  if (magnitude === 0) return { negative, digits: '0', pointPos: 1 };
  let exponential = magnitude.toExponential();
  if (bits === 32) {
    for (let precision = 1; precision <= 9; precision++) {
      const candidate = magnitude.toExponential(precision - 1);
      if (Math.fround(Number(candidate)) === Math.fround(magnitude)) {
        exponential = candidate;
        break;
      }
    }
  }
  const [mantissa, exponentText] = exponential.split('e');
  const digits = mantissa.replace('.', '').replace(/0+$/, '') || '0';
  return { negative, digits, pointPos: Number(exponentText) + 1 };
}
