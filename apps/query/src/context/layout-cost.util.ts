import { ContextSubject } from '@memtrace/contracts';
import { ContextLine, FILL_PRIORITY, layoutPieces, SECTIONS, SectionKey } from './context-layout.util';
import { TokenCounter } from './token-counter.util';

/** A stretch of the text between two joins where the counter is additive. */
interface Run {
  rank: number;
  text: string;
}

/**
 * Token counts for one render. Every text is counted once: a candidate layout is counted as the sum
 * of its runs (the pieces between joins where the counter is additive), so the fill's line counts,
 * the full text, and each shrink or top-up candidate share their counting. With a counter that
 * declares no additive join, each run is a whole candidate text.
 */
export class LayoutCosts {
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly subject: ContextSubject,
    private readonly lines: readonly ContextLine[],
    private readonly counter: TokenCounter,
  ) {}

  count(text: string): number {
    let tokens = this.counts.get(text);
    if (tokens === undefined) {
      tokens = text === '' ? 0 : this.counter.count(text);
      this.counts.set(text, tokens);
    }
    return tokens;
  }

  line(index: number): number {
    return this.count(this.lines[index].text);
  }

  /** A section's heading with the blank line before the next section, sized for all its members. */
  heading(key: SectionKey): number {
    const title = SECTIONS.find((section) => section.key === key)?.title;
    const members = this.lines.filter((line) => line.section === key).length;
    return this.count(`### ${title} (${members})\n`) + this.count('\n');
  }

  /**
   * The exact tokens of `layoutContext(subject, kept, omitted)` when at most `limit`, else false.
   * Runs are summed in fill order and the sum stops past the limit, so a text far over budget is
   * counted only as far as the lines the fill will ask about anyway.
   */
  within(kept: readonly ContextLine[], omitted: number, limit: number): number | false {
    let tokens = 0;
    for (const run of this.runs(kept, omitted).sort((a, b) => a.rank - b.rank)) {
      tokens += this.count(run.text);
      if (tokens > limit) return false;
    }
    return tokens;
  }

  private runs(kept: readonly ContextLine[], omitted: number): Run[] {
    const runs: Run[] = [];
    for (const piece of layoutPieces(this.subject, kept, omitted)) {
      const last = runs.at(-1);
      if (last && !this.counter.isAdditiveAt?.(last.text, piece.text)) last.text += piece.text;
      else runs.push({ rank: piece.section === undefined ? -1 : FILL_PRIORITY.indexOf(piece.section), text: piece.text });
    }
    return runs;
  }
}
