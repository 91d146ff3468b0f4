import { ContextSubject, MemoryRecord } from '@memtrace/contracts';
import { ContextLine, contextHeader, FILL_PRIORITY, formatLine, layoutContext, omittedLine, sectionOf } from './context-layout.util';
import { LayoutCosts } from './layout-cost.util';
import { o200kTokenCounter, TokenCounter } from './token-counter.util';

/** A line's text (content plus reasoning) is cut to this many characters unless configured. */
export const DEFAULT_MAX_LINE_CHARS = 500;

/** Exact-count tries after the estimate-driven fill; bounds the tokenizer work per render. */
const TOP_UP_ATTEMPTS = 8;

/**
 * How many tokens the real text can come in under the sum of its pieces (BPE merges across piece
 * boundaries, a shorter omitted count). A top-up candidate whose estimate exceeds the headroom by
 * more than this cannot fit, so it is not tokenized: that skips most of the exact-count tries.
 */
const MERGE_SLACK = 8;

/** A selection of lines (indexes, in the order taken) whose rendered text fits the budget. */
interface Fitted {
  chosen: number[];
  tokens: number;
}

export interface ContextRendererSettings {
  /** Per-line cap in user-perceived characters; longer text is cut and ends in `...`. */
  maxLineChars: number;
  tokenCounter: TokenCounter;
}

/** The rendered context, field names as on the wire. */
export interface RenderedContext {
  context: string;
  /** Memories shown. `memory_count + omitted_count` is the number of memories given. */
  memory_count: number;
  /** Tokens of `context` by the renderer's tokenizer (o200k_base by default). */
  token_count: number;
  /** True when the budget forced anything out: memories, or the header itself. */
  truncated: boolean;
  omitted_count: number;
}

/**
 * Renders memories as upstream's markdown context (§8) with a real token budget (design §6).
 *
 * Without a budget, or when everything fits, the text is upstream's layout exactly (plus its
 * departures: errors routing, decision reasoning, whole-character cuts). Otherwise sections are
 * filled by priority (decisions, errors, actions, other), newest first within a section; the first
 * memory of a section that does not fit ends that section, so what a section omits is always its
 * oldest. An omitted line closes the text, counted in the budget. The fill estimates with per-line
 * counts; the real text is then counted exactly (from the counts of its parts where the tokenizer
 * allows, see LayoutCosts), and adjusted until it fits. If not even the header fits
 * with the omitted line, the header alone is returned; if the header alone does not fit, ''.
 * Output is a function of the input set only: memories are ordered by time desc, then id.
 */
export class ContextRenderer {
  private readonly settings: ContextRendererSettings;

  constructor(settings: Partial<ContextRendererSettings> = {}) {
    this.settings = { maxLineChars: DEFAULT_MAX_LINE_CHARS, tokenCounter: o200kTokenCounter, ...settings };
  }

  render(memories: readonly MemoryRecord[], subject: ContextSubject, maxTokens?: number): RenderedContext {
    const lines = newestFirst(
      memories.map((memory) => ({
        timeUs: memory.timeUs,
        id: memory.id,
        section: sectionOf(memory),
        text: formatLine(memory, subject, this.settings.maxLineChars),
      })),
    );
    if (maxTokens === undefined) {
      const full = layoutContext(subject, lines, 0);
      return rendered(full, this.settings.tokenCounter.count(full), lines.length, 0, false);
    }
    const costs = new LayoutCosts(subject, lines, this.settings.tokenCounter);
    const fullTokens = costs.within(lines, 0, maxTokens);
    if (fullTokens !== false) return rendered(layoutContext(subject, lines, 0), fullTokens, lines.length, 0, false);
    return this.fit(subject, lines, costs, maxTokens);
  }

  private fit(subject: ContextSubject, lines: readonly ContextLine[], costs: LayoutCosts, maxTokens: number): RenderedContext {
    const fitted = this.shrink(lines, costs, this.choose(subject, lines, costs, maxTokens), maxTokens);
    if (fitted) {
      const { tokens, chosen } = this.topUp(lines, costs, fitted, maxTokens);
      const shown = kept(lines, chosen);
      return rendered(layoutContext(subject, shown, lines.length - shown.length), tokens, shown.length, lines.length - shown.length, true);
    }
    const header = contextHeader(subject);
    const headerTokens = costs.count(header);
    if (headerTokens <= maxTokens) return rendered(header, headerTokens, 0, lines.length, true);
    return rendered('', 0, 0, lines.length, true);
  }

  /**
   * The choice used per-piece counts, and BPE merges across pieces, so check the real text and give
   * back the last (lowest-priority) choices until it fits. Rarely runs more than once.
   */
  private shrink(lines: readonly ContextLine[], costs: LayoutCosts, chosen: number[], maxTokens: number): Fitted | undefined {
    for (let taken = chosen.length; taken >= 0; taken -= 1) {
      const fitted = this.attempt(lines, costs, chosen.slice(0, taken), maxTokens);
      if (fitted) return fitted;
    }
    return undefined;
  }

  /**
   * The per-piece estimate is conservative (it prices the blank lines and the omitted line's digits
   * that merge or shrink in the real text), so try the next line of each section, in priority
   * order, with exact counts. Bounded: each try counts one candidate text.
   */
  private topUp(lines: readonly ContextLine[], costs: LayoutCosts, fitted: Fitted, maxTokens: number): Fitted {
    let attempts = TOP_UP_ATTEMPTS;
    let best = fitted;
    for (const key of FILL_PRIORITY) {
      const rest = lines.flatMap((line, index) => (line.section === key && !best.chosen.includes(index) ? [index] : []));
      for (const index of rest) {
        const opensSection = !best.chosen.some((chosen) => lines[chosen].section === key);
        const estimate = costs.line(index) + (opensSection ? costs.heading(key) : 0);
        if (estimate - MERGE_SLACK > maxTokens - best.tokens) break;
        if (attempts === 0) return best;
        attempts -= 1;
        const next = this.attempt(lines, costs, [...best.chosen, index], maxTokens);
        if (next === undefined) break;
        best = next;
      }
    }
    return best;
  }

  private attempt(lines: readonly ContextLine[], costs: LayoutCosts, chosen: number[], maxTokens: number): Fitted | undefined {
    const shown = kept(lines, chosen);
    const tokens = costs.within(shown, lines.length - shown.length, maxTokens);
    return tokens === false ? undefined : { chosen, tokens };
  }

  /** Indexes of the lines to keep, in the order they were taken (priority, then newest first). */
  private choose(subject: ContextSubject, lines: readonly ContextLine[], costs: LayoutCosts, maxTokens: number): number[] {
    let remaining = maxTokens - costs.count(contextHeader(subject)) - costs.count('\n') - costs.count(omittedLine(lines.length));
    const chosen: number[] = [];
    for (const key of FILL_PRIORITY) {
      const members = lines.flatMap((line, index) => (line.section === key ? [index] : []));
      for (const [position, index] of members.entries()) {
        const cost = costs.line(index) + (position === 0 ? costs.heading(key) : 0);
        if (cost > remaining) break;
        chosen.push(index);
        remaining -= cost;
      }
    }
    return chosen;
  }
}

/** The chosen lines in display order (newest first within a section), whatever order they were taken in. */
function kept(lines: readonly ContextLine[], chosen: readonly number[]): ContextLine[] {
  const taken = new Set(chosen);
  return lines.filter((_, index) => taken.has(index));
}

interface SortableLine extends ContextLine {
  timeUs: number;
  id: string;
}

/**
 * Newest first, ties by id; then by section and text, which only matters for rows sharing an id
 * (re-deliveries the store has not collapsed), so equal input sets render identically whatever
 * their order.
 */
function newestFirst(lines: SortableLine[]): SortableLine[] {
  return lines.sort((a, b) => b.timeUs - a.timeUs || compare(a.id, b.id) || compare(a.section, b.section) || compare(a.text, b.text));
}

/** Code-unit order: locale-independent, unlike localeCompare. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function rendered(context: string, tokens: number, shown: number, omitted: number, truncated: boolean): RenderedContext {
  return { context, memory_count: shown, token_count: tokens, truncated, omitted_count: omitted };
}
