// Service clients for one org and sandbox, and the logger and engine settings they share. Built without the
// state database: the wizard, `plan` and `doctor` talk to the services long before (or without ever) writing.
import { createServices, type Services as AdapterServices } from '../../adapters/services.js';
import type { FetchFn } from '../../adapters/http/client.js';
import type { ServiceConfig } from '../../core/config.js';
import { DEFAULT_SETTINGS, type EngineSettings } from '../../engine/index.js';
import type { Logger } from '../../ports.js';
import type { CliContext } from './context.js';
import { say } from '../terminal/output.js';

export interface Connection {
  config: ServiceConfig;
  services: AdapterServices;
  settings: EngineSettings;
}

export function stderrLogger(ctx: CliContext, redact: (s: string) => string = (s) => s): Logger {
  const debug = (ctx.env.CUTOVER_DEBUG ?? '') !== '';
  const write = (level: string, message: string, fields?: Record<string, unknown>) =>
    say(ctx, redact(`${level}: ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`));
  return {
    debug: (m, f) => debug && write('debug', m, f),
    info: (m, f) => debug && write('info', m, f),
    warn: (m, f) => write('warning', m, f),
    error: (m, f) => write('error', m, f),
  };
}

/** The engine settings a configuration implies. */
export function settingsFrom(config: ServiceConfig): EngineSettings {
  return {
    ...DEFAULT_SETTINGS,
    ecaSpecName: config.platform.ecaSpecName,
    ecaFlowSpecName: config.platform.ecaFlowSpecName ?? config.platform.ecaSpecName,
    aamDataSource: config.aam.dataSource,
    aamLegacyDataSource: config.aam.legacyDataSource,
  };
}

export function connect(
  ctx: CliContext,
  config: ServiceConfig,
  org: { orgId: string; sandbox: string; destination?: { tokenEnv?: string } },
  fetch?: FetchFn,
): Connection {
  const perOrg = { ...config, platform: { ...config.platform, orgId: org.orgId, sandbox: org.sandbox } };
  const services = createServices(perOrg, { logger: stderrLogger(ctx), clock: ctx.clock, ...(fetch ? { fetch } : {}) });
  // The destination's bearer token is not in the configuration but is a secret all the same.
  const tokenEnv = org.destination?.tokenEnv;
  if (tokenEnv) services.redactor.add(ctx.env[tokenEnv]);
  return { config: perOrg, services, settings: settingsFrom(config) };
}
