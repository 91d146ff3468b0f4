import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mount, press } from '../test/render';
import { VirtualList } from './virtual-list';

const items = Array.from({ length: 50_000 }, (_, i) => ({ id: `m${i}`, text: `memory ${i}` }));
let cleanup: () => void = () => undefined;
afterEach(() => cleanup());

function list(onOpen = vi.fn(), onNearEnd = vi.fn(), rows = items) {
  const mounted = mount(
    <VirtualList items={rows} rowHeight={50} fallbackHeight={500} overscan={5} label="Memories" idPrefix="row" itemKey={(i) => i.id} renderRow={(i) => <span>{i.text}</span>} onOpen={onOpen} onNearEnd={onNearEnd} />,
  );
  cleanup = mounted.cleanup;
  return { listbox: mounted.root.querySelector('[role=listbox]') as HTMLElement, onOpen, onNearEnd };
}

const options = (listbox: HTMLElement) => [...listbox.querySelectorAll('[role=option]')];

describe('VirtualList', () => {
  it('renders only the rows in view (plus overscan) of 50,000, sized for all of them', () => {
    const { listbox } = list();
    expect(options(listbox).length).toBe(15); // 500 px / 50 px + 5 below
    expect((listbox.firstElementChild as HTMLElement).style.height).toBe('2500000px');
    expect(options(listbox)[0].getAttribute('aria-setsize')).toBe('50000');
    expect(listbox.getAttribute('aria-label')).toBe('Memories');
  });

  it('follows the scroll position', () => {
    const { listbox } = list();
    act(() => {
      listbox.scrollTop = 1_000_000;
      listbox.dispatchEvent(new Event('scroll'));
    });
    const shown = options(listbox).map((o) => Number(o.getAttribute('aria-posinset')));
    expect(Math.min(...shown)).toBe(20_000 - 5 + 1);
    expect(shown.length).toBeLessThanOrEqual(25);
  });

  it('moves the active row with the keyboard, keeps it rendered, and opens it with Enter', () => {
    const { listbox, onOpen } = list();
    expect(listbox.getAttribute('aria-activedescendant')).toBe('row-0');
    press(listbox, 'ArrowDown');
    press(listbox, 'ArrowDown');
    press(listbox, 'ArrowUp');
    expect(listbox.getAttribute('aria-activedescendant')).toBe('row-1');
    press(listbox, 'End');
    expect(listbox.getAttribute('aria-activedescendant')).toBe('row-49999');
    expect(listbox.querySelector('#row-49999')?.getAttribute('aria-selected')).toBe('true');
    expect(listbox.scrollTop).toBe(50_000 * 50 - 500);
    press(listbox, 'PageUp');
    expect(listbox.getAttribute('aria-activedescendant')).toBe('row-49990');
    press(listbox, 'Enter');
    expect(onOpen).toHaveBeenCalledWith(items[49_990], 49_990);
    press(listbox, 'Home');
    expect(listbox.getAttribute('aria-activedescendant')).toBe('row-0');
    expect(listbox.scrollTop).toBe(0);
  });

  it('opens a row on click, and asks for more when the end comes into view', () => {
    const { listbox, onOpen, onNearEnd } = list(undefined, undefined, items.slice(0, 12));
    expect(onNearEnd).toHaveBeenCalled();
    (options(listbox)[3] as HTMLElement).click();
    expect(onOpen).toHaveBeenCalledWith(items[3], 3);
  });

  it('does not ask for more while the end is far away', () => {
    const { onNearEnd } = list();
    expect(onNearEnd).not.toHaveBeenCalled();
  });
});
