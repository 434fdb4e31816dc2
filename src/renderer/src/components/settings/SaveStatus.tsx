// What became of the last save: the error, announced, or "Saved".
export function SaveStatus({ error, saved }: { error: string | null; saved: boolean }) {
  if (error)
    return (
      <div className="error" role="alert">
        {error}
      </div>
    );
  return (
    <span className="muted save-status" role="status">
      {saved ? 'Saved.' : ''}
    </span>
  );
}
