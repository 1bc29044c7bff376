// Duplicate keys in a plan file. JSON.parse keeps the last of two equal keys without a word, so a plan with
// `audiences` twice silently migrated the second list only. This scan of the raw text finds every key repeated
// within one object, at any depth, with the lines of both. It expects valid JSON (parse first).
import type { Issue } from './plan-fields.js';
import { lineColumn } from './plan-text.js';

export interface DuplicateKey {
  /** The repeated key's full path, e.g. "audiences", "jira.projectKey", "identities[1].source". */
  path: string;
  firstLine: number;
  line: number;
  column: number;
}

const childPath = (parent: string, key: string): string => (parent === '' ? key : `${parent}.${key}`);

/** Every key that repeats one earlier in the same object, in text order. */
export function duplicateKeys(text: string): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text.charAt(i))) i++;
  };
  const str = (): string => {
    const start = i;
    for (i++; i < text.length && text.charAt(i) !== '"'; i++) if (text.charAt(i) === '\\') i++;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const object = (path: string): void => {
    const seen = new Map<string, number>();
    for (i++, ws(); text.charAt(i) !== '}' && i < text.length; ws()) {
      if (text.charAt(i) === ',') (i++, ws());
      const at = i;
      const key = str();
      const here = lineColumn(text, at);
      const first = seen.get(key);
      if (first === undefined) seen.set(key, here.line);
      else found.push({ path: childPath(path, key), firstLine: first, line: here.line, column: here.column });
      ws();
      i++; // the colon
      value(childPath(path, key));
    }
    i++;
  };
  const array = (path: string): void => {
    let index = 0;
    for (i++, ws(); text.charAt(i) !== ']' && i < text.length; ws()) {
      if (text.charAt(i) === ',') (i++, ws());
      value(`${path}[${index++}]`);
    }
    i++;
  };
  const value = (path: string): void => {
    ws();
    const ch = text.charAt(i);
    if (ch === '{') return object(path);
    if (ch === '[') return array(path);
    if (ch === '"') return void str();
    while (i < text.length && !',}] \t\n\r'.includes(text.charAt(i))) i++;
  };
  value('');
  return found;
}

/** The plan errors for duplicate keys: each names the key's path and both lines. */
export function duplicateKeyIssues(text: string, source: string): Issue[] {
  return duplicateKeys(text).map((d) => ({
    path: d.path,
    message: `${d.path} appears twice in ${source} (line ${d.firstLine} and line ${d.line}): `
      + 'JSON would keep only the last one and silently drop the other; keep one',
    expected: 'each key once per object',
    found: `${d.path} at line ${d.firstLine} and line ${d.line}`,
  }));
}
