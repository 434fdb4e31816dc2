// The list's sort (date, sender, subject, size; either way) and grouping by conversation,
// remembered across reloads.
import { useCallback } from 'react';
import { ListOrder } from '../../shared/list-order.ts';
import { useStoredState } from './stored-state.ts';

const DEFAULT: ListOrder = { sortBy: 'date', dir: 'desc', group: false };

export function useSort(): { order: ListOrder; setOrder(change: Partial<ListOrder>): void } {
  const [order, store] = useStoredState<ListOrder>('hearth.list.order', ListOrder, DEFAULT);
  const setOrder = useCallback((change: Partial<ListOrder>) => store({ ...order, ...change }), [order, store]);
  return { order, setOrder };
}
