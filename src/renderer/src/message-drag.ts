// Dragging messages inside the window (to a folder): the ids travel in the drag data under a type
// of our own, so a folder takes only drags that carry messages.

export const MESSAGE_DRAG_TYPE = 'application/x-hearth-message-ids';

export function putDraggedIds(dt: DataTransfer, ids: readonly number[]): void {
  dt.setData(MESSAGE_DRAG_TYPE, JSON.stringify(ids));
  dt.effectAllowed = 'copyMove';
}

/** Whether a drag carries messages (its data is readable only on drop). */
export function carriesMessages(dt: DataTransfer): boolean {
  return dt.types.includes(MESSAGE_DRAG_TYPE);
}

export function draggedIds(dt: DataTransfer): number[] {
  try {
    const ids: unknown = JSON.parse(dt.getData(MESSAGE_DRAG_TYPE) || '[]');
    return Array.isArray(ids) ? ids.filter((id): id is number => Number.isInteger(id)) : [];
  } catch {
    return [];
  }
}
