import { describe, expect, it } from 'vitest';
import { parsePlanText } from '../../src/core/plan.js';
import { duplicateKeys } from '../../src/core/plan-keys.js';

describe('duplicateKeys', () => {
  it('finds a key repeated at any depth, with its path and both lines', () => {
    const text =
      '{"a": 1, "b": {"c": "x\\"}", "c": [1, {"d": 2, "d": 3}]},\n"a": {"k\\u0061": 1, "ka": 2}, "e": [], "f": {}}';
    expect(duplicateKeys(text)).toEqual([
      { path: 'b.c', firstLine: 1, line: 1, column: 29 },
      { path: 'b.c[1].d', firstLine: 1, line: 1, column: 47 },
      { path: 'a', firstLine: 1, line: 2, column: 1 },
      { path: 'a.ka', firstLine: 2, line: 2, column: 21 },
    ]);
  });

  it('finds nothing in JSON without repeats, including equal keys in different objects', () => {
    for (const text of [
      '[]',
      '{}',
      '"x"',
      '{"a": {"x": 1}, "b": {"x": 1}}',
      '[{"x": 1}, {"x": 2}]',
      ' { "x" : true , "y" : null } ',
    ]) {
      expect(duplicateKeys(text)).toEqual([]);
    }
  });
});

describe('parsePlanText with a repeated key', () => {
  const plan = (extra: string) =>
    `{\n  "orgId": "ABC123@AdobeOrg",\n  "audiences": ["seg-1"],\n  "destination": {"name": "ECA"},\n  "jira": {"projectKey": "AAM"${extra}},\n  "audiences": ["seg-2"]\n}`;

  it('is an error naming the key and both lines, and gives no plan (the last one is not silently used)', () => {
    const result = parsePlanText(plan(''), 'plan.json');
    expect(result.plan).toBeNull();
    expect(result.errors[0]).toMatchObject({ path: 'audiences' });
    expect(result.errors[0]!.message).toBe(
      'audiences appears twice in plan.json (line 3 and line 6): JSON would keep only the last one and silently drop the other; keep one',
    );
  });

  it('names a nested key by its path', () => {
    const result = parsePlanText(plan(', "projectKey": "CC"'), 'plan.json');
    expect(result.errors.map((e) => e.path)).toEqual(['jira.projectKey', 'audiences']);
  });
});
