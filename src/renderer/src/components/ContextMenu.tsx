// A context menu (role=menu) at the pointer: arrow keys move between items, Enter runs one,
// Escape or a click elsewhere closes it. Groups (e.g. "Move to" and the folders) are role=group.
import { useEffect, useLayoutEffect, useRef, useState } from 'react';

export interface MenuItem {
  label: string;
  onSelect(): void;
  testId?: string;
  disabled?: boolean;
}

export interface MenuGroup {
  label: string;
  items: MenuItem[];
}

interface Props {
  x: number;
  y: number;
  label: string;
  entries: (MenuItem | MenuGroup)[];
  onClose(): void;
}

const isGroup = (e: MenuItem | MenuGroup): e is MenuGroup => 'items' in e;

export function ContextMenu({ x, y, label, entries, onClose }: Props) {
  const menu = useRef<HTMLDivElement>(null);
  const [place, setPlace] = useState({ left: x, top: y });
  // Focus goes back where it was (the row) when the menu closes; taken before the menu focuses its first item.
  const [returnTo] = useState(() => (typeof document === 'undefined' ? null : (document.activeElement as HTMLElement | null)));
  useEffect(() => () => returnTo?.focus(), [returnTo]);
  // Kept inside the window: flipped up or left where it would overflow.
  useLayoutEffect(() => {
    const r = menu.current?.getBoundingClientRect();
    if (!r) return;
    setPlace({
      left: x + r.width > window.innerWidth ? Math.max(0, x - r.width) : x,
      top: y + r.height > window.innerHeight ? Math.max(0, window.innerHeight - r.height - 4) : y,
    });
    menu.current?.querySelector<HTMLElement>('[role=menuitem]:not([disabled])')?.focus();
  }, [x, y]);
  useEffect(() => {
    const away = (e: MouseEvent) => {
      if (!menu.current?.contains(e.target as Node)) onClose();
    };
    window.addEventListener('mousedown', away);
    window.addEventListener('blur', onClose);
    return () => {
      window.removeEventListener('mousedown', away);
      window.removeEventListener('blur', onClose);
    };
  }, [onClose]);

  const onKeyDown = (e: React.KeyboardEvent) => {
    const items = [...(menu.current?.querySelectorAll<HTMLElement>('[role=menuitem]:not([disabled])') ?? [])];
    const i = items.indexOf(document.activeElement as HTMLElement);
    const go = (n: number) => items[(n + items.length) % items.length]?.focus();
    if (e.key === 'ArrowDown') go(i + 1);
    else if (e.key === 'ArrowUp') go(i - 1);
    else if (e.key === 'Home') go(0);
    else if (e.key === 'End') go(items.length - 1);
    else if (e.key === 'Escape' || e.key === 'Tab') onClose();
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  const item = (it: MenuItem) => (
    <button
      key={it.label}
      type="button"
      role="menuitem"
      tabIndex={-1}
      disabled={it.disabled}
      data-testid={it.testId}
      onClick={() => {
        onClose();
        it.onSelect();
      }}
    >
      {it.label}
    </button>
  );

  return (
    <div ref={menu} className="context-menu" role="menu" aria-label={label} style={place} onKeyDown={onKeyDown} data-testid="context-menu">
      {entries.map((e) =>
        isGroup(e) ? (
          <div key={e.label} role="group" aria-label={e.label} className="menu-group">
            <div className="menu-group-label" aria-hidden="true">
              {e.label}
            </div>
            {e.items.map(item)}
          </div>
        ) : (
          item(e)
        ),
      )}
    </div>
  );
}
