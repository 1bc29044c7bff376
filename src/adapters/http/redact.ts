// Redaction for everything that leaves the HTTP layer as text: debug log lines, error messages, URLs.
// Two nets: known-sensitive places (Authorization, x-api-key, token-ish JSON keys and form fields, query
// parameters) and every secret value the configuration declared or the layer learned at run time (IMS tokens),
// wherever it appears.

const MASK = '[REDACTED]';
const SENSITIVE_HEADER = /^(authorization|proxy-authorization|x-api-key|cookie|set-cookie|x-.*token.*)$/i;
const SENSITIVE_KEY = /(token|secret|password|authorization|api[-_]?key|credential)/i;
/** Values shorter than this are not replaced by substring: redacting "a" everywhere would shred the text. */
const MIN_SECRET_LENGTH = 4;

export class Redactor {
  private readonly secrets = new Set<string>();

  constructor(secrets: Iterable<string | undefined> = []) {
    for (const s of secrets) this.add(s);
  }

  /** Registers a value to be masked wherever it appears (also its base64 and URL-encoded forms). */
  add(secret: string | undefined): void {
    if (!secret || secret.length < MIN_SECRET_LENGTH) return;
    this.secrets.add(secret);
    this.secrets.add(encodeURIComponent(secret));
    this.secrets.add(Buffer.from(secret, 'utf8').toString('base64'));
  }

  /** Masks every registered secret value in free text. Longest first, so a secret containing another goes whole. */
  text(value: string): string {
    let out = value;
    const ordered = [...this.secrets].sort((a, b) => b.length - a.length);
    for (const secret of ordered) {
      if (secret.length >= MIN_SECRET_LENGTH && out.includes(secret)) out = out.split(secret).join(MASK);
    }
    return out;
  }

  headers(headers: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      out[name] = SENSITIVE_HEADER.test(name) ? maskHeader(name, value) : this.text(value);
    }
    return out;
  }

  /** A URL with user info removed and sensitive query parameters masked. */
  url(raw: string): string {
    try {
      const url = new URL(raw);
      url.username = '';
      url.password = '';
      for (const key of [...url.searchParams.keys()]) {
        if (SENSITIVE_KEY.test(key)) url.searchParams.set(key, MASK);
      }
      return this.text(url.toString());
    } catch {
      return this.text(raw);
    }
  }

  /** A request or response body (JSON text, form text or anything else), masked for logging. */
  body(raw: string): string {
    const trimmed = raw.trim();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      try {
        return this.text(JSON.stringify(maskJson(JSON.parse(trimmed) as unknown)));
      } catch {
        // not JSON after all: fall through to the text rules
      }
    }
    if (/^[\w.%-]+=[^&]*(&[\w.%-]+=[^&]*)*$/.test(trimmed)) return this.text(maskForm(trimmed));
    return this.text(raw);
  }
}

function maskHeader(name: string, value: string): string {
  // Keep the scheme: "Bearer [REDACTED]" tells a reader which kind of credential went out.
  if (/^authorization$/i.test(name)) {
    const scheme = /^(\w+)\s/.exec(value)?.[1];
    return scheme ? `${scheme} ${MASK}` : MASK;
  }
  return MASK;
}

function maskJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskJson);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    out[key] = SENSITIVE_KEY.test(key) && typeof inner === 'string' ? MASK : maskJson(inner);
  }
  return out;
}

function maskForm(form: string): string {
  return form
    .split('&')
    .map((pair) => {
      const [key = '', value = ''] = pair.split('=');
      return SENSITIVE_KEY.test(decodeURIComponent(key)) && value !== '' ? `${key}=${MASK}` : pair;
    })
    .join('&');
}
