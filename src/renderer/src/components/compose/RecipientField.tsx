// A recipient field as chips: typed addresses become chips at a comma, Enter or when leaving the
// field; names from mail sent and received are suggested as one types (arrows and Enter pick one).
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { Address } from '../../../../shared/api.ts';
import { formatAddress } from '../../../../shared/reply.ts';
import type { Transport } from '../../api/transport.ts';
import { chipFor, joinRecipients, parseChips, type Chip } from './recipients.ts';

interface Props {
  api: Transport;
  field: 'to' | 'cc' | 'bcc';
  label: string;
  value: string;
  invalid: boolean;
  autoFocus?: boolean;
  onChange(value: string): void;
}

export function RecipientField({ api, field, label, value, invalid, autoFocus = false, onChange }: Props) {
  const [chips, setChips] = useState<Chip[]>(() => parseChips(value));
  const [pending, setPending] = useState('');
  const [suggest, setSuggest] = useState<Address[]>([]);
  const [pick, setPick] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const uid = useId();
  const asked = useRef(0);
  const pendingRef = useRef(pending);
  pendingRef.current = pending;

  // The header text the draft keeps: chips and what is still being typed.
  const mounted = useRef(false);
  useEffect(() => {
    if (!mounted.current) return void (mounted.current = true);
    const next = joinRecipients(chips, pending);
    if (next !== value) onChange(next);
  }, [chips, pending]);

  const commit = (text = pending) => {
    const added = parseChips(text);
    if (added.length) setChips((c) => [...c, ...added]);
    setPending('');
    setSuggest([]);
  };
  const choose = (a: Address) => {
    setChips((c) => [...c, chipFor(a)]);
    setPending('');
    setSuggest([]);
    input.current?.focus();
  };

  const onType = (text: string) => {
    // A pasted list, or a separator typed: everything before the last separator becomes chips.
    const cut = Math.max(text.lastIndexOf(','), text.lastIndexOf(';'));
    if (cut >= 0 && parseChips(text.slice(0, cut)).length && !/"[^"]*$/.test(text.slice(0, cut))) {
      commit(text.slice(0, cut));
      text = text.slice(cut + 1).trimStart();
    }
    setPending(text);
    const prefix = text.trim();
    const ask = ++asked.current;
    if (prefix.length < 2) return setSuggest([]);
    void api
      .call('contacts.suggest', { prefix, limit: 6 })
      .then((list) => {
        if (ask !== asked.current) return; // an answer to an older prefix
        setSuggest(list.filter((a) => !chips.some((c) => c.address.toLowerCase() === a.address.toLowerCase())));
        setPick(0);
      })
      .catch(() => setSuggest([]));
  };

  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (suggest.length && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
      e.preventDefault();
      setPick((p) => (p + (e.key === 'ArrowDown' ? 1 : suggest.length - 1)) % suggest.length);
    } else if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey && (suggest.length || pending.trim())) {
      e.preventDefault();
      if (suggest.length) choose(suggest[pick] ?? suggest[0]!);
      else commit();
    } else if (e.key === 'Tab' && suggest.length && pending.trim()) {
      e.preventDefault();
      choose(suggest[pick] ?? suggest[0]!);
    } else if (e.key === 'Escape' && suggest.length) {
      e.stopPropagation();
      setSuggest([]);
    } else if (e.key === 'Backspace' && pending === '' && chips.length) {
      e.preventDefault();
      const last = chips[chips.length - 1]!;
      setChips((c) => c.slice(0, -1));
      setPending(last.text); // back to text, to correct it
    }
  };

  return (
    <div className={`compose-field recipients${invalid ? ' invalid' : ''}`} onClick={() => input.current?.focus()}>
      <label htmlFor={`${uid}-input`}>{label}</label>
      <ul className="chips" data-testid={`compose-${field}-chips`}>
        {chips.map((c, i) => (
          <li key={`${c.text}-${i}`} className={`chip${c.valid ? '' : ' bad'}`} title={c.text} data-testid="recipient-chip">
            {c.label}
            <button
              type="button"
              aria-label={`Remove ${c.label}`}
              onClick={(e) => {
                e.stopPropagation();
                setChips((l) => l.filter((_, j) => j !== i));
              }}
            >
              ×
            </button>
          </li>
        ))}
        <li className="chip-input">
          <input
            ref={input}
            id={`${uid}-input`}
            name={field}
            value={pending}
            autoComplete="off"
            autoFocus={autoFocus}
            role="combobox"
            aria-expanded={suggest.length > 0}
            aria-controls={`${uid}-suggest`}
            onChange={(e) => onType(e.target.value)}
            onKeyDown={onKey}
            onBlur={() =>
              setTimeout(() => {
                if (document.activeElement === input.current) return;
                setSuggest([]);
                const p = pendingRef.current;
                if (p.trim() && parseChips(p).every((c) => c.valid)) commit(p);
              }, 150)
            }
            data-testid={`compose-${field}`}
          />
        </li>
      </ul>
      {suggest.length > 0 && (
        <ul className="suggestions" role="listbox" id={`${uid}-suggest`}>
          {suggest.map((a, i) => (
            <li key={a.address} role="option" aria-selected={i === pick}>
              <button type="button" className={i === pick ? 'picked' : ''} onMouseDown={(e) => (e.preventDefault(), choose(a))} data-testid="suggestion">
                {formatAddress(a)}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
