// The shortcut table drives both the keys and the `?` overlay; the context menu and the list are
// what assistive technology expects (menu/menuitem, listbox/option with aria-selected).
import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { commandFor, keyLabel, SHORTCUTS } from '../../../src/shared/shortcuts.ts';
import { ShortcutHelp } from '../../../src/renderer/src/components/ShortcutHelp.tsx';
import { ContextMenu } from '../../../src/renderer/src/components/ContextMenu.tsx';
import { UndoToast } from '../../../src/renderer/src/components/UndoToast.tsx';

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

describe('shortcuts', () => {
  it('every key in the table maps to its command, and no key to two', () => {
    const seen = new Set<string>();
    for (const s of SHORTCUTS)
      for (const k of s.keys) {
        expect(seen.has(k), k).toBe(false);
        seen.add(k);
        const e = k.startsWith('Mod+') ? key(k.slice(4), { ctrlKey: true }) : key(k);
        expect(commandFor(e)).toBe(s.command);
      }
  });

  it('reads Ctrl and Cmd alike, ignores Alt and other Ctrl combinations', () => {
    expect(commandFor(key('a', { ctrlKey: true }))).toBe('selectAll');
    expect(commandFor(key('A', { metaKey: true }))).toBe('selectAll');
    expect(commandFor(key('a'))).toBe('reply');
    expect(commandFor(key('A'))).toBe('replyAll');
    expect(commandFor(key('z'))).toBe('undo');
    expect(commandFor(key('x', { altKey: true }))).toBeNull();
    expect(commandFor(key('c', { ctrlKey: true }))).toBeNull();
    expect(commandFor(key('q'))).toBeNull();
  });

  it('the help overlay lists every shortcut from the table', () => {
    const html = renderToStaticMarkup(<ShortcutHelp onClose={() => {}} />);
    expect(html).toContain('role="dialog"');
    for (const s of SHORTCUTS) {
      expect(html).toContain(s.label);
      for (const k of s.keys) expect(html).toContain(`<kbd>${keyLabel(k, false).replace('&', '&amp;')}</kbd>`);
    }
  });
});

describe('context menu and toast', () => {
  it('is a menu of menuitems, with folders as a labelled group', () => {
    const html = renderToStaticMarkup(
      <ContextMenu
        x={10}
        y={10}
        label="Actions on 3 messages"
        entries={[
          { label: 'Delete', onSelect: () => {} },
          { label: 'Move to', items: [{ label: 'Keep', onSelect: () => {} }] },
        ]}
        onClose={() => {}}
      />,
    );
    expect(html).toMatch(/role="menu" aria-label="Actions on 3 messages"/);
    expect(html.match(/role="menuitem"/g)).toHaveLength(2);
    expect(html).toContain('role="group" aria-label="Move to"');
  });

  it('the undo toast is a status with an Undo button', () => {
    const html = renderToStaticMarkup(
      <UndoToast last={{ label: '500 messages moved to Keep', tokens: ['t'] }} busy={false} onUndo={() => {}} onDismiss={() => {}} />,
    );
    expect(html).toContain('role="status"');
    expect(html).toContain('500 messages moved to Keep');
    expect(html).toMatch(/<button[^>]*>Undo<\/button>/);
  });
});
