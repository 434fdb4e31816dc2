// Keys inside a dialog belong to it: Escape closes it and goes no further (the app's own Escape
// would otherwise also close the message behind it).
import type { KeyboardEvent } from 'react';

export function closeOnEscape(e: KeyboardEvent, onClose: () => void): void {
  if (e.key !== 'Escape') return;
  e.stopPropagation();
  onClose();
}
