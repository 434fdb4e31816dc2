// The `?` overlay: every keyboard shortcut, from the same table the window handles keys with.
import { useEffect, useRef } from 'react';
import { keyLabel, SHORTCUTS } from '../../../shared/shortcuts.ts';

interface Props {
  onClose(): void;
}

const mac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);

export function ShortcutHelp({ onClose }: Props) {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), []);
  return (
    <div className="dialog-backdrop" role="presentation" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className="dialog shortcut-help"
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcut-help-title"
        data-testid="shortcut-help"
        onKeyDown={(e) => {
          if (e.key === 'Escape' || e.key === '?') {
            e.preventDefault();
            e.stopPropagation();
            onClose();
          }
        }}
      >
        <h2 id="shortcut-help-title">Keyboard shortcuts</h2>
        <table>
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.command}>
                <td className="keys">
                  {s.keys.map((k, i) => (
                    <span key={k}>
                      {i > 0 && ' or '}
                      <kbd>{keyLabel(k, mac)}</kbd>
                    </span>
                  ))}
                </td>
                <td>{s.label}</td>
              </tr>
            ))}
            <tr>
              <td className="keys">Click, Shift+click, {mac ? '⌘' : 'Ctrl'}+click</td>
              <td>Open one; select a range; add or remove one</td>
            </tr>
            <tr>
              <td className="keys">Right-click, drag to a folder</td>
              <td>Actions on the selection; move it</td>
            </tr>
          </tbody>
        </table>
        <button ref={close} type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
