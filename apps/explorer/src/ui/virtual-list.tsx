import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';

export interface VirtualListProps<T> {
  items: readonly T[];
  /** Every row has this height (px): what makes the window arithmetic exact. */
  rowHeight: number;
  /** Used when the list cannot measure itself (not laid out yet, or in tests). */
  fallbackHeight?: number;
  overscan?: number;
  label: string;
  /** Prefix of the rows' element ids (`aria-activedescendant`). */
  idPrefix: string;
  itemKey: (item: T) => string;
  renderRow: (item: T, index: number) => ComponentChildren;
  onOpen: (item: T, index: number) => void;
  /** Called when the rendered window reaches the last rows, to load more. */
  onNearEnd?: () => void;
}

/**
 * A listbox that renders only the rows in view (plus a few), so tens of thousands of memories
 * scroll as lightly as ten. Keyboard: ↑/↓, Page Up/Down, Home/End move the active row (kept in
 * view), Enter opens it; a click opens a row too.
 */
export function VirtualList<T>(props: VirtualListProps<T>) {
  const { items, rowHeight, overscan = 8 } = props;
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(props.fallbackHeight ?? 560);
  const [active, setActive] = useState(0);

  useLayoutEffect(() => {
    const element = viewport.current;
    if (!element) return;
    const measure = () => element.clientHeight > 0 && setHeight(element.clientHeight);
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // A new list (other filters) starts at the top.
  const firstKey = items.length > 0 ? props.itemKey(items[0]) : '';
  useEffect(() => {
    setActive(0);
    setScrollTop(0);
    if (viewport.current) viewport.current.scrollTop = 0;
  }, [firstKey]);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(items.length, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  const current = Math.min(active, Math.max(0, items.length - 1));

  const { onNearEnd } = props;
  useEffect(() => {
    if (onNearEnd && items.length > 0 && last >= items.length - overscan) onNearEnd();
  }, [last, items.length, onNearEnd, overscan]);

  function moveTo(index: number) {
    if (items.length === 0) return;
    const next = Math.max(0, Math.min(items.length - 1, index));
    setActive(next);
    const element = viewport.current;
    if (!element) return;
    const top = next * rowHeight;
    let target = element.scrollTop;
    if (top < target) target = top;
    else if (top + rowHeight > target + height) target = top + rowHeight - height;
    if (target !== element.scrollTop) element.scrollTop = target;
    setScrollTop(target);
  }

  function onKeyDown(event: KeyboardEvent) {
    const pageRows = Math.max(1, Math.floor(height / rowHeight) - 1);
    // After scrolling with the mouse, keys continue from the rows in view.
    const from = current < first || current >= last ? Math.floor(scrollTop / rowHeight) : current;
    const moves: Record<string, number> = { ArrowDown: from + 1, ArrowUp: from - 1, PageDown: from + pageRows, PageUp: from - pageRows, Home: 0, End: items.length - 1 };
    if (event.key in moves) {
      event.preventDefault();
      moveTo(moves[event.key]);
    } else if ((event.key === 'Enter' || event.key === ' ') && items.length > 0) {
      event.preventDefault();
      props.onOpen(items[current], current);
    }
  }

  const rows = [];
  for (let index = first; index < last; index++) {
    const item = items[index];
    rows.push(
      <div
        key={props.itemKey(item)}
        id={`${props.idPrefix}-${index}`}
        role="option"
        class="vrow"
        aria-selected={index === current}
        aria-posinset={index + 1}
        aria-setsize={items.length}
        style={{ top: `${index * rowHeight}px`, height: `${rowHeight}px` }}
        onClick={() => {
          setActive(index);
          props.onOpen(item, index);
        }}
      >
        {props.renderRow(item, index)}
      </div>,
    );
  }

  return (
    <div
      ref={viewport}
      class="vlist"
      role="listbox"
      tabIndex={0}
      aria-label={props.label}
      aria-activedescendant={items.length > 0 && current >= first && current < last ? `${props.idPrefix}-${current}` : undefined}
      onScroll={(event) => setScrollTop((event.currentTarget as HTMLDivElement).scrollTop)}
      onKeyDown={onKeyDown}
    >
      <div class="vlist-spacer" style={{ height: `${items.length * rowHeight}px` }}>
        {rows}
      </div>
    </div>
  );
}
