/**
 * Go's JSON decoder matched field names case-insensitively (`{"Agent_ID": …}` worked), so clients
 * may rely on it: keep every key that matches a known field, under its canonical spelling. An exact
 * match wins over a folded one. Unknown fields are dropped, as upstream ignored them.
 */
export function foldFields(object: Record<string, unknown>, known: readonly string[]): Readonly<Record<string, unknown>> {
  const folded: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    const canonical = known.find((field) => field === key.toLowerCase());
    if (canonical !== undefined && (key === canonical || !(canonical in object))) folded[canonical] = value;
  }
  return folded;
}
