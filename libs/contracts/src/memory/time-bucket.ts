/**
 * The start of `timeUs`'s bucket: the floor to a multiple of `bucketUs`, as the store's SQL computes it.
 * `+ 0` turns a -0 (a row at -0 µs, which JSON can carry) into the 0 SQL returns.
 */
export function bucketStartUs(timeUs: number, bucketUs: number): number {
  return timeUs - (((timeUs % bucketUs) + bucketUs) % bucketUs) + 0;
}

/** The buckets a window `(sinceUs, untilUs)` spans: the first's start and how many (first and last may be partial). */
export function windowBuckets(sinceUs: number, untilUs: number, bucketUs: number): { firstBucketUs: number; bucketCount: number } {
  const firstBucketUs = bucketStartUs(sinceUs, bucketUs);
  return { firstBucketUs, bucketCount: (bucketStartUs(untilUs - 1, bucketUs) - firstBucketUs) / bucketUs + 1 };
}
