// The store's location as a person writes it: a SQLite file path or a postgres:// URL. Pure string work, so the
// CLI can tell the two apart (and print a URL with its password masked) without loading `pg`.

const POSTGRES_URL = /^postgres(ql)?:\/\//i;

export function isPostgresUrl(value: string): boolean {
  return POSTGRES_URL.test(value);
}

/** The URL with its password (and any `password=` parameter) replaced by ****: the only form ever printed. */
export function maskUrl(url: string): string {
  return url
    .replace(/^(postgres(?:ql)?:\/\/[^:/?#@]*):[^@/?#]*@/i, '$1:****@')
    .replace(/([?&]password=)[^&#]*/gi, '$1****');
}

/** The password a URL carries, decoded, or null: what must never be printed. */
export function urlPassword(url: string): string | null {
  try {
    const parsed = new URL(url);
    const inQuery = parsed.searchParams.get('password');
    if (parsed.password) return decodeURIComponent(parsed.password);
    return inQuery;
  } catch {
    return null;
  }
}
