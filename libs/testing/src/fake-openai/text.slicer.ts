// Splits streamed text into small pieces so clients really accumulate deltas across events.
// Slices by code point, so a piece never ends inside a surrogate pair.
const PIECE_LENGTH = 8;

export function slices(text: string, length = PIECE_LENGTH): string[] {
  const points = Array.from(text);
  const pieces: string[] = [];
  for (let start = 0; start < points.length; start += length) pieces.push(points.slice(start, start + length).join(''));
  return pieces;
}
