// An error next to what caused it, announced to screen readers.
export function ErrorNote({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <div className="error" role="alert">
      {error}
    </div>
  );
}
