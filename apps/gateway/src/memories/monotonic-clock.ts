import { nowUs } from '@memtrace/contracts';

/**
 * Receipt times in µs that never repeat or go backwards within a process, so memories of one batch
 * keep their order and every (time, id) pair sorts the same everywhere.
 */
export class MonotonicClock {
  private last = 0;

  next(): number {
    this.last = Math.max(nowUs(), this.last + 1);
    return this.last;
  }
}
