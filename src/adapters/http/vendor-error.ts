// Turns an error response body into the vendor's code and message. The services answer in many shapes (see
// shared/reference: Adobe gateway, Flow Service problem+json, bare {errorMessage}, generic problem details,
// Jira ErrorCollection, OAuth, plain text, HTML pages) and some answer with garbage; each gets a readable line.

export interface VendorError {
  code?: string;
  message: string;
}

const MAX_TEXT = 300;
type Obj = Record<string, unknown>;

export function parseVendorError(status: number, contentType: string, text: string): VendorError {
  const body = text.trim();
  if (body === '') return { message: `HTTP ${status} with an empty body` };
  if (looksLikeHtml(contentType, body)) return { message: `unexpected response: HTML page ${describeHtml(body)}` };
  const json = tryJson(body);
  if (json === undefined) {
    if (isJsonType(contentType) || /^[[{]/.test(body))
      return { message: `unexpected response: invalid JSON (${snippet(body)})` };
    return { message: snippet(body) };
  }
  return fromJson(json) ?? { message: `unexpected response: ${snippet(body)}` };
}

/** What is wrong with a success body the caller could not parse: an HTML page, or anything else. */
export function bodyProblem(contentType: string, text: string): 'html' | 'malformed' {
  return looksLikeHtml(contentType, text.trim()) ? 'html' : 'malformed';
}

/** True when an error answer is an HTML page (a proxy's or a login page) rather than the service's own. */
export function isHtmlBody(contentType: string, text: string): boolean {
  return looksLikeHtml(contentType, text.trim());
}

/** The message for a success status whose body is not what the caller needs. */
export function unexpectedBody(contentType: string, text: string): string {
  const body = text.trim();
  if (body === '') return 'unexpected response: empty body where JSON was expected';
  if (looksLikeHtml(contentType, body))
    return `unexpected response: HTML page ${describeHtml(body)} where JSON was expected`;
  return `unexpected response: invalid JSON (${snippet(body)})`;
}

function fromJson(json: unknown): VendorError | undefined {
  if (Array.isArray(json)) return json.length > 0 ? fromJson(json[0]) : undefined;
  if (!json || typeof json !== 'object') return typeof json === 'string' ? { message: snippet(json) } : undefined;
  const o = json as Obj;
  return gateway(o) ?? flowProblem(o) ?? bareFlow(o) ?? jiraCollection(o) ?? oauth(o) ?? problem(o) ?? generic(o);
}

/** Adobe gateway: {"error_code":"401013","message":"Oauth token is not valid"} (error_code may be a number). */
function gateway(o: Obj): VendorError | undefined {
  if (o.error_code === undefined) return undefined;
  return { code: String(o.error_code), message: str(o.message) ?? 'no message' };
}

/** Flow Service problem+json: type …/errors/FLOW-1439-404, report["detailed-message"]. */
function flowProblem(o: Obj): VendorError | undefined {
  const report = o.report as Obj | undefined;
  if (!report || typeof report !== 'object') return undefined;
  const message =
    str(report['detailed-message']) ?? str(o.errorMessage) ?? str(o.detail) ?? str(o.title) ?? 'no message';
  return { code: typeCode(o.type) ?? str(o.title), message };
}

/** Flow Service bare: {"errorMessage": "...", "errorDetails": "..."}. */
function bareFlow(o: Obj): VendorError | undefined {
  const message = str(o.errorMessage);
  if (!message) return undefined;
  const details = str(o.errorDetails);
  return {
    code: str(o.errorCode) ?? str(o.code),
    message: details && details !== message ? `${message} (${details})` : message,
  };
}

/** Jira ErrorCollection: {"errorMessages": [...], "errors": {"field": "message"}}. */
function jiraCollection(o: Obj): VendorError | undefined {
  if (!Array.isArray(o.errorMessages) && (o.errors === undefined || typeof o.errors !== 'object')) return undefined;
  const messages = Array.isArray(o.errorMessages) ? o.errorMessages.map(String) : [];
  const fields = o.errors && typeof o.errors === 'object' ? Object.entries(o.errors as Obj) : [];
  const parts = [...messages, ...fields.map(([field, msg]) => `${field}: ${String(msg)}`)];
  return parts.length > 0 ? { message: parts.join('; ') } : undefined;
}

/** OAuth 2: {"error": "invalid_client", "error_description": "..."}. */
function oauth(o: Obj): VendorError | undefined {
  const code = str(o.error);
  if (!code) return undefined;
  return { code, message: str(o.error_description) ?? code };
}

/** RFC 7807-ish: {"type": "/placeholder/type/uri", "status": 400, "title": "BadRequestError", "detail": "..."}. */
function problem(o: Obj): VendorError | undefined {
  if (o.title === undefined && o.detail === undefined) return undefined;
  const code = typeCode(o.type) ?? str(o.title);
  return { code, message: str(o.detail) ?? str(o.title) ?? 'no message' };
}

function generic(o: Obj): VendorError | undefined {
  const message = str(o.message) ?? str(o.description) ?? str(o.error_description);
  if (!message) return undefined;
  return { code: str(o.code) ?? str(o.errorCode), message };
}

/** The last path segment of a problem type, unless it is a placeholder. */
function typeCode(type: unknown): string | undefined {
  const t = str(type);
  if (!t || /placeholder/i.test(t)) return undefined;
  return t.split('/').filter(Boolean).pop();
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string' && v.trim() !== '') return snippet(v);
  if (typeof v === 'number') return String(v);
  return undefined;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isJsonType(contentType: string): boolean {
  return /json/i.test(contentType);
}

function looksLikeHtml(contentType: string, body: string): boolean {
  return /html/i.test(contentType) || /^<(!doctype|html|head|body)/i.test(body);
}

function describeHtml(html: string): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
  const text = (
    title ?? html.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, ' ').replace(/<[^>]+>/g, ' ')
  )
    .replace(/\s+/g, ' ')
    .trim();
  return text ? `"${snippet(text, 120)}"` : '(no text)';
}

function snippet(text: string, max = MAX_TEXT): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
}
