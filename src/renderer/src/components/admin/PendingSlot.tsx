// A clearly marked place another part of the server fills (certificate status and renewal,
// smarthost settings): says what exists today and what is coming, never made-up data.
import type { ReactNode } from 'react';

export function PendingSlot({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="pending-slot" aria-label={title} data-testid="pending-slot">
      <h3>{title}</h3>
      {children}
    </section>
  );
}
