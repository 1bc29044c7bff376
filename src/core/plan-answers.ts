// Plan fields one at a time, for the wizard: each answer checked by the plan's own rules at its question, and a
// draft's missing fields told apart from wrong ones. Pure, like plan.ts, whose validatePlan does the checking.
import { isObj, type Issue, type Obj } from './plan-fields.js';
import { validatePlan } from './plan.js';

/** Path segments of an issue path: "jira.projectKey" -> jira, projectKey; "audiences[3]" -> audiences, 3. */
export const pathParts = (path: string): string[] => path.split(/[.[\]]/).filter(Boolean);

/** The plan with `value` at `path` (e.g. "jira.projectKey"), the rest of `base` kept. */
export function withField(base: Obj, path: string, value: unknown): Obj {
  const [head, ...rest] = pathParts(path);
  if (head === undefined) return base;
  const inner = isObj(base[head]) ? (base[head] as Obj) : {};
  return { ...base, [head]: rest.length === 0 ? value : withField(inner, rest.join('.'), value) };
}

/**
 * One answer checked by the plan's own rules, for a wizard question: validatePlan runs on a document holding only
 * that field, and only the issues about that field (or inside it) count. True, or the first error's message.
 */
export function checkField(path: string, value: unknown): true | string {
  const { errors } = validatePlan(withField({}, path, value));
  const own = errors.find((e) => e.path === path || e.path.startsWith(`${path}.`) || e.path.startsWith(`${path}[`));
  return own ? own.message : true;
}

/** The value at an issue path of a parsed document, or undefined. */
export function fieldAt(doc: unknown, path: string): unknown {
  let at = doc;
  for (const part of pathParts(path)) {
    at = isObj(at) || Array.isArray(at) ? (at as Record<string, unknown>)[part] : undefined;
  }
  return at;
}

/** The paths of required fields the document does not have (errors about absence, not about a wrong value). */
export function missingFields(doc: unknown, errors: Issue[]): string[] {
  return errors.filter((e) => e.path !== '(plan)' && fieldAt(doc, e.path) === undefined).map((e) => e.path);
}
