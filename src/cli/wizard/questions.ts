// The wizard's questions, in the order the admin meets them. Each one has a flag (options.ts), a default and
// help text; those that depend on the org (audiences, identities, Jira) read it first, so the choices offered
// are the org's own.
import { legacyDiff } from '../../core/preflight.js';
import { checkField } from '../../core/plan-answers.js';
import { HASHABLE_IDENTITIES } from '../../core/plan.js';
import { count } from '../../core/words.js';
import { ticketTemplate } from '../../core/ticket.js';
import {
  IDENTITIES,
  SOLUTION_LABELS,
  SOLUTIONS,
  type IdentityMapping,
  type IdentityName,
  type JiraPlan,
  type Plan,
  type Solution,
} from '../../core/types.js';
import type { ServiceConfig } from '../../core/config.js';
import { ServiceError } from '../../errors.js';
import type { Asker } from './ask.js';
import { legacyAudienceIds, type Connection } from './connect.js';
import { parseAudiences, parseIdentities, parseSolutions, type StartOptions } from './options.js';

/** A typed answer checked by the plan's own rule for its field, so that it is re-asked, not lost at the end. */
const planRule = (field: string) => (value: string) => checkField(field, value.trim());

const IDENTITY_HELP: Record<IdentityName, { source: string; description: string }> = {
  GAID: { source: 'GAID', description: 'Google Advertising ID' },
  IDFA: { source: 'IDFA', description: 'Apple ID for Advertisers' },
  ECID: { source: 'ECID', description: 'Experience Cloud ID' },
  phone_sha256: { source: 'Phone', description: 'phone numbers hashed with SHA256' },
  email_lc_sha256: { source: 'Email', description: 'lower-cased email addresses hashed with SHA256' },
  extern_id: { source: 'CRMID', description: 'custom user ids (a custom namespace)' },
};

/** `answered` runs once the org id is known (the draft is named after it), before the sandbox is asked. */
export async function askOrg(
  ask: Asker,
  opts: StartOptions,
  config: ServiceConfig,
  answered: (orgId: string) => Promise<void> = async () => {},
): Promise<{ orgId: string; sandbox: string }> {
  const orgId = await ask.text({
    flag: '--org <id>',
    given: opts.org,
    field: 'orgId',
    message: 'IMS organisation id',
    default: config.platform.orgId,
    help: 'The org whose legacy segment sharing Adobe will turn off (ends in @AdobeOrg).',
    validate: planRule('orgId'),
  });
  await answered(orgId.trim());
  const sandbox = await ask.text({
    flag: '--sandbox <name>',
    given: opts.sandbox,
    field: 'sandbox',
    message: 'Sandbox',
    default: config.platform.sandbox,
    help: 'The AEP sandbox the audiences live in (lower-case).',
    validate: planRule('sandbox'),
  });
  return { orgId: orgId.trim(), sandbox: sandbox.trim() };
}

export function askSolutions(ask: Asker, opts: StartOptions): Promise<Solution[]> {
  return ask.pickMany({
    flag: '--solutions <list>',
    given: parseSolutions(opts.solutions),
    field: 'solutions',
    message: 'Which solutions must see the audiences?',
    required: true,
    help:
      'Only Audience Manager can be verified by API; the others are confirmed by hand after the cut-over ' +
      '(cutover confirm).\nAnalytics needs an Audience Manager licence.',
    choices: SOLUTIONS.map((s) => ({ value: s, name: SOLUTION_LABELS[s], checked: s === 'audience_manager' })),
  });
}

export async function askAudiences(ask: Asker, opts: StartOptions, conn: Connection): Promise<string[]> {
  const [segments, legacy] = await Promise.all([conn.services.platform.listSegments(), legacyAudienceIds(conn)]);
  const shared = new Set(legacy ?? []);
  const chosen = await ask.pickMany({
    flag: '--audiences <legacy|all|ids>',
    given: parseAudiences(
      opts.audiences,
      segments.map((s) => s.id),
      legacy,
    ),
    search: true,
    required: true,
    field: 'audiences',
    validate: (ids) => checkField('audiences', ids),
    message:
      `Audiences to share (${segments.length} in the sandbox; ${shared.size} shared by the legacy pipe today, ` +
      'preselected)',
    help:
      'The new card lets you choose: keep what the legacy pipe shares (the default), narrow it, or add more. At ' +
      'most 250.',
    choices: segments.map((s) => ({
      value: s.id,
      name: `${s.name}  ${s.id}${shared.has(s.id) ? '  [legacy]' : ''}`,
      checked: shared.has(s.id),
    })),
  });
  const { stop } = legacyDiff(legacy ?? [], chosen);
  const names = new Map(segments.map((s) => [s.id, s.name]));
  const listed = stop.map((id) => `${names.get(id) ?? '?'} (${id})`).join(', ');
  if (stop.length > 0) ask.note(`  ${count(stop.length, 'legacy audience')} would stop flowing: ${listed}`);
  return chosen;
}

export async function askIdentities(ask: Asker, opts: StartOptions, conn: Connection): Promise<IdentityMapping[]> {
  const given = parseIdentities(opts.identity);
  if (given) return ask.keep('identities', given);
  const kept = ask.draft?.get('identities');
  if (Array.isArray(kept) && checkField('identities', kept) === true) {
    const shown = (kept as IdentityMapping[]).map(
      (m) => `${m.source} -> ${m.target}${m.applyHashing ? ' (hashed)' : ''}`,
    );
    return ask.kept('Identities to map', kept as IdentityMapping[], shown.join(', '));
  }
  const spec = await conn.services.platform.findConnectionSpec(conn.settings.ecaSpecName);
  const supported =
    spec?.identities && spec.identities.length > 0 ? new Set(spec.identities.map((i) => i.toLowerCase())) : null;
  const unsupported = (id: IdentityName) => supported !== null && !supported.has(id.toLowerCase());
  const targets = await ask.pickMany({
    flag: '--identity <source:target[:hash]>',
    message: 'Identities to map',
    required: true,
    help:
      'The product table lists six target identities; those the live destination spec does not declare cannot be ' +
      'chosen.',
    choices: IDENTITIES.map((id) => ({
      value: id,
      name: `${id}  (${IDENTITY_HELP[id].description})`,
      checked: id === 'ECID',
      disabled: unsupported(id) ? 'not supported by the live destination spec' : false,
    })),
  });
  const mappings: IdentityMapping[] = [];
  for (const target of targets) {
    const source = IDENTITY_HELP[target].source;
    const hash = HASHABLE_IDENTITIES.includes(target)
      ? await ask.yesNo({
          flag: '--identity',
          message: `Is ${source} plain text (hash it with SHA256 on activation)?`,
          default: true,
        })
      : false;
    mappings.push({ source, target, ...(hash ? { applyHashing: true } : {}) });
  }
  return ask.keep('identities', mappings);
}

async function projectIssueTypes(conn: Connection, key: string): Promise<string[] | string> {
  try {
    return (await conn.services.tracker.issueTypes(key)).map((t) => t.name);
  } catch (err) {
    if (err instanceof ServiceError && err.status === 404)
      return `project ${key} does not exist or is not visible to the Jira user`;
    return `cannot read project ${key}: ${err instanceof Error ? err.message : String(err)}`;
  }
}

function ticketMode(ask: Asker, opts: StartOptions): Promise<'new' | 'existing'> {
  // A draft tells the mode by what it holds: a ticket key (attach), or a project key without one (file a new one).
  const attach = typeof ask.draft?.get('jira.existingKey') === 'string';
  const kept = attach ? 'existing' : ask.draft?.get('jira.projectKey') !== undefined ? 'new' : undefined;
  return ask.pickOne<'new' | 'existing'>({
    flag: '--ticket <key>',
    given: opts.ticket !== undefined ? 'existing' : kept,
    message: 'The Jira deprovisioning ticket',
    default: 'new',
    help: 'Adobe turns legacy sharing off when this ticket is resolved; the new dataflow is created the moment it is.',
    choices: [
      { value: 'new', name: 'File a new ticket from the template' },
      { value: 'existing', name: 'Attach a ticket I already filed' },
    ],
  });
}

export async function askJira(
  ask: Asker,
  opts: StartOptions,
  conn: Connection,
  draft: Pick<Plan, 'orgId' | 'sandbox' | 'audiences' | 'jira'>,
  marker: string,
): Promise<JiraPlan> {
  const mode = await ticketMode(ask, opts);
  const existingKey =
    mode === 'existing'
      ? await ask.text({
          flag: '--ticket <key>',
          given: opts.ticket,
          field: 'jira.existingKey',
          message: 'Ticket key',
          validate: planRule('jira.existingKey'),
        })
      : undefined;
  let types: string[] = [];
  const projectKey = await ask.text({
    flag: '--jira-project <key>',
    given: opts.jiraProject,
    field: 'jira.projectKey',
    message: 'Jira project key',
    default: existingKey?.replace(/-\d+$/, ''),
    help: 'The project Adobe Customer Care works the deprovisioning ticket in.',
    validate: async (v) => {
      const rule = planRule('jira.projectKey')(v);
      if (rule !== true) return rule;
      const found = await projectIssueTypes(conn, v.trim());
      if (typeof found === 'string') return found;
      types = found;
      return true;
    },
  });
  const issueType = await ask.pickOne({
    flag: '--issue-type <name>',
    given: opts.issueType,
    field: 'jira.issueType',
    message: 'Issue type',
    default: types.find((t) => t.toLowerCase() === 'task') ?? types[0],
    choices: types.map((t) => ({ value: t, name: t })),
  });
  if (existingKey !== undefined) return { projectKey, issueType, existingKey };
  const jira: JiraPlan = { projectKey, issueType };
  const text = ticketTemplate({ ...draft, jira } as Plan, marker);
  ask.note(
    `  Ticket preview (labelled ${marker}):\n    Summary: ` +
      `${text.summary}\n${text.description.replace(/^/gm, '    | ')}`,
  );
  return jira;
}

export async function askDataManagement(ask: Asker, opts: StartOptions): Promise<{ uses: boolean; licensed: boolean }> {
  const uses = await ask.yesNo({
    flag: '--data-management',
    given: opts.dataManagement,
    field: 'usesDataManagement',
    message: 'Will you use the audiences for Audience Manager data-management use cases?',
    default: false,
    help:
      'Third-party data, look-alike modelling, cookie destinations: these need an Audience Manager licence ' +
      '(sharing to Target, Advertising Cloud or Marketo does not).',
  });
  if (!uses) return { uses, licensed: false };
  const kept = ask.draft?.get('acceptedChecks');
  const keptLicence = Array.isArray(kept)
    ? kept.some((a) => (a as { check?: unknown }).check === 'licence.aam')
    : undefined;
  const given = opts.aamLicence ?? keptLicence;
  const licensed = await ask.yesNo({
    flag: '--aam-licence',
    given,
    message: 'Does the org hold an Audience Manager licence?',
    default: false,
    help: 'No API can tell; your answer is recorded.',
  });
  return { uses, licensed };
}

export function askDestinationName(ask: Asker, opts: StartOptions): Promise<string> {
  return ask.text({
    flag: '--name <text>',
    given: opts.name,
    field: 'destination.name',
    message: 'Name of the new destination connection',
    default: 'Experience Cloud Audiences',
    help: 'How you will recognise the connection in Destinations > Browse.',
    validate: planRule('destination.name'),
  });
}
