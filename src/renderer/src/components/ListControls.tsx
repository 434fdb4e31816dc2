// The list header's controls: sort key and direction, grouping by conversation, and where the
// reading pane goes.
import type { ListOrder, SortBy } from '../../../shared/list-order.ts';
import type { ReadingPane } from '../use-pane-layout.ts';

interface Props {
  order: ListOrder;
  onOrder(change: Partial<ListOrder>): void;
  readingPane: ReadingPane;
  onReadingPane(position: ReadingPane): void;
}

const SORTS: { value: SortBy; label: string }[] = [
  { value: 'date', label: 'Date' },
  { value: 'sender', label: 'Sender' },
  { value: 'subject', label: 'Subject' },
  { value: 'size', label: 'Size' },
];

export function ListControls({ order, onOrder, readingPane, onReadingPane }: Props) {
  const ascending = order.dir === 'asc';
  return (
    <div className="list-controls">
      <label>
        <span className="visually-hidden">Sort by</span>
        <select value={order.sortBy} onChange={(e) => onOrder({ sortBy: e.target.value as SortBy })} data-testid="sort-by" title="Sort by">
          {SORTS.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        onClick={() => onOrder({ dir: ascending ? 'desc' : 'asc' })}
        title={ascending ? 'Ascending: click for descending' : 'Descending: click for ascending'}
        aria-label={ascending ? 'Ascending' : 'Descending'}
        data-testid="sort-dir"
        data-dir={order.dir}
      >
        {ascending ? '↑' : '↓'}
      </button>
      <button
        type="button"
        aria-pressed={order.group}
        onClick={() => onOrder({ group: !order.group })}
        title="Group by conversation"
        data-testid="group-toggle"
      >
        Conversations
      </button>
      <label>
        <span className="visually-hidden">Reading pane</span>
        <select value={readingPane} onChange={(e) => onReadingPane(e.target.value as ReadingPane)} data-testid="reading-pane" title="Reading pane">
          <option value="right">Reader: right</option>
          <option value="bottom">Reader: below</option>
          <option value="off">Reader: off</option>
        </select>
      </label>
    </div>
  );
}
