import { ContextSubject, formatTimeUs, MemoryRecord } from '@memtrace/contracts';
import { cutText } from './text-cut.util';

export type SectionKey = 'actions' | 'decisions' | 'errors' | 'other';

/** Upstream's sections, in upstream's display order. */
export const SECTIONS: readonly { key: SectionKey; title: string }[] = [
  { key: 'actions', title: 'Recent Actions' },
  { key: 'decisions', title: 'Decisions Made' },
  { key: 'errors', title: 'Errors' },
  { key: 'other', title: 'Other' },
];

/** Under a token budget, sections are filled in this order: what the agent must not forget first. */
export const FILL_PRIORITY: readonly SectionKey[] = ['decisions', 'errors', 'actions', 'other'];

/** Separates a decision from its reasoning on a line. */
export const REASONING_SEPARATOR = ' — ';

/** One rendered line and the section it belongs to. */
export interface ContextLine {
  section: SectionKey;
  text: string;
}

/**
 * Upstream's switch, with one fix: an `error` event goes to Errors whatever its memory type
 * (upstream filed episodic errors under Recent Actions, so they drowned among routine actions).
 */
export function sectionOf(memory: MemoryRecord): SectionKey {
  if (memory.eventType === 'error') return 'errors';
  if (memory.memoryType === 'episodic') return 'actions';
  if (memory.memoryType === 'decision') return 'decisions';
  return 'other';
}

export function contextHeader(subject: ContextSubject): string {
  return `## ${subject.kind === 'session' ? 'Session' : 'Agent'} Context (${subject.id})\n\n`;
}

/**
 * `- [<time>] <event_type>: <text>\n`, as upstream. The agent context adds the session after the
 * time, `- [<time>] (<session_id>) <event_type>: …`, when the memory has one. The text is the
 * content, for a decision followed by ` — <metadata.reasoning>`, on one line (line breaks become
 * spaces, so content cannot forge a heading), cut to `maxChars` whole characters.
 */
export function formatLine(memory: MemoryRecord, subject: ContextSubject, maxChars: number): string {
  const session = subject.kind === 'agent' && memory.sessionId ? `(${memory.sessionId}) ` : '';
  const reasoning = memory.memoryType === 'decision' ? reasoningOf(memory) : '';
  const text = oneLine(reasoning ? `${memory.content}${REASONING_SEPARATOR}${reasoning}` : memory.content);
  return `- [${formatTimeUs(memory.timeUs)}] ${session}${memory.eventType}: ${cutText(text, maxChars)}\n`;
}

/** The last line when memories did not fit the budget; counted in the budget like any other. */
export function omittedLine(count: number): string {
  return `_… ${count} more ${count === 1 ? 'memory' : 'memories'} omitted to fit the token budget_\n`;
}

/**
 * Upstream's layout: the header, then each non-empty section as `### <title> (<n>)` and its lines
 * (in the order given), a blank line after every section except Other; then, when memories were
 * omitted, a blank line and the omitted line.
 */
export function layoutContext(subject: ContextSubject, lines: readonly ContextLine[], omitted: number): string {
  return layoutPieces(subject, lines, omitted)
    .map((piece) => piece.text)
    .join('');
}

/** A part of the context's text; the section is absent for the header, the omitted line and its blank line. */
export interface LayoutPiece {
  section?: SectionKey;
  text: string;
}

/**
 * The context as the header, each heading, each line, each blank line and the omitted line, in
 * order: the parts a token count can be summed over (see TokenCounter.isAdditiveAt).
 */
export function layoutPieces(subject: ContextSubject, lines: readonly ContextLine[], omitted: number): LayoutPiece[] {
  const pieces: LayoutPiece[] = [{ text: contextHeader(subject) }];
  for (const { key, title } of SECTIONS) {
    const own = lines.filter((line) => line.section === key);
    if (own.length === 0) continue;
    pieces.push({ section: key, text: `### ${title} (${own.length})\n` }, ...own.map((line) => ({ section: key, text: line.text })));
    if (key !== 'other') pieces.push({ section: key, text: '\n' });
  }
  if (omitted > 0) {
    if (!endsWithBlankLine(pieces)) pieces.push({ text: '\n' });
    pieces.push({ text: omittedLine(omitted) });
  }
  return pieces;
}

/** Whether the joined text ends in '\n\n', without joining it. */
function endsWithBlankLine(pieces: readonly LayoutPiece[]): boolean {
  let tail = '';
  for (let index = pieces.length - 1; index >= 0 && tail.length < 2; index -= 1) tail = pieces[index].text + tail;
  return tail.endsWith('\n\n');
}

function reasoningOf(memory: MemoryRecord): string {
  const reasoning = memory.metadata?.reasoning;
  return typeof reasoning === 'string' ? reasoning.trim() : '';
}

function oneLine(text: string): string {
  return text.replace(/[ \t]*(?:\r\n|[\n\r\v\f\u0085\u2028\u2029])+[ \t]*/g, ' ');
}
