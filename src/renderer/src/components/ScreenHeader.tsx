// The top bar of a full view over the app (Settings, the household admin screen): its title, which
// names the view's dialog (aria-labelledby titleId), what the view says beside it, and Close.
import type { ReactNode } from 'react';

interface Props {
  title: string;
  titleId: string;
  children?: ReactNode;
  onClose(): void;
}

export function ScreenHeader({ title, titleId, children, onClose }: Props) {
  return (
    <header className="admin-header">
      <h2 id={titleId}>{title}</h2>
      {children}
      <button type="button" onClick={onClose}>
        Close
      </button>
    </header>
  );
}
