// Duplicate keys in a plan file. JSON.parse keeps the last of two equal keys without a word, so a plan with
// `audiences` twice silently migrated the second list only. This scan of the raw text finds every key repeated
// within one object, at any depth, with the lines of both.
import type { Issue } from './plan-fields.js';
import { jsonErrorOffset, lineColumn } from './plan-text.js';

export interface DuplicateKey {
  /** The repeated key's full path, e.g. "audiences", "jira.projectKey", "identities[1].source". */
  path: string;
  firstLine: number;
  line: number;
  column: number;
}

/** Every key that repeats one earlier in the same object, in text order (the one JSON scanner of plan-text). */
export function duplicateKeys(text: string): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  jsonErrorOffset(text, ({ path, offset, earlier }) => {
    if (earlier === null) return;
    const here = lineColumn(text, offset);
    found.push({ path, firstLine: lineColumn(text, earlier).line, line: here.line, column: here.column });
  });
  return found;
}

/** The plan errors for duplicate keys: each names the key's path and both lines. */
export function duplicateKeyIssues(text: string, source: string): Issue[] {
  return duplicateKeys(text).map((d) => ({
    path: d.path,
    message:
      `${d.path} appears twice in ${source} (line ${d.firstLine} and line ${d.line}): ` +
      'JSON would keep only the last one and silently drop the other; keep one',
    expected: 'each key once per object',
    found: `${d.path} at line ${d.firstLine} and line ${d.line}`,
  }));
}
