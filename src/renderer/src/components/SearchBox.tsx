// The search box. Its text is its own state: a keystroke renders this box, not the app. The search
// runs after a short pause in typing, at once on Enter, and ends when the box is emptied or Escape
// is pressed.
import { useEffect, useRef, useState, type Ref } from 'react';

/** The pause after a keystroke before the search runs (Enter does not wait). */
export const TYPING_PAUSE_MS = 200;

interface Props {
  inputRef: Ref<HTMLInputElement>;
  onSearch(text: string): void;
}

export function SearchBox({ inputRef, onSearch }: Props) {
  const [text, setText] = useState('');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const searchNow = (value: string) => {
    clearTimeout(timer.current);
    onSearch(value);
  };
  useEffect(() => () => clearTimeout(timer.current), []);
  return (
    <input
      ref={inputRef}
      className="search"
      type="search"
      placeholder="Search (/)"
      aria-label="Search"
      value={text}
      onChange={(e) => {
        const value = e.target.value;
        setText(value);
        clearTimeout(timer.current);
        if (!value.trim()) onSearch('');
        else timer.current = setTimeout(() => onSearch(value), TYPING_PAUSE_MS);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter') searchNow(e.currentTarget.value);
        if (e.key === 'Escape') {
          setText('');
          searchNow('');
          e.currentTarget.blur();
        }
      }}
      data-testid="search"
    />
  );
}
