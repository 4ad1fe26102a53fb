// How a listing shows a session's TTL and size: the same words in the tree view and the CLI.

/** `45s`, `12m`, `5h`, `3d`; `noTtl` (default "no TTL") for a key without expiry. */
export function formatTtl(seconds: number, noTtl = 'no TTL'): string {
  if (seconds < 0) return noTtl;
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86400)}d`;
}

/** `512 B`, `1.5 KB`, `2.0 MB`. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
