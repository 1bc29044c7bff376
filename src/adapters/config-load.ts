// Reads the configuration (flags > CUTOVER_* environment > config file) and hands it to the pure validator.
// The config file is $CUTOVER_CONFIG or ~/.config/cutover/config.json (XDG_CONFIG_HOME honoured). A file holding a
// secret must be readable by its owner only (0600); otherwise it is refused, with the chmod that fixes it.
import { readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CONFIG_KEYS,
  fileToRaw,
  validateConfig,
  type ConfigResult,
  type RawConfig,
  type ServiceGroup,
} from '../core/config.js';

export type ConfigSource = 'flag' | 'env' | 'file' | 'default';

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** Values from command-line flags, keyed by their environment names (the CLI maps --jira-url → CUTOVER_JIRA_URL). */
  flags?: RawConfig;
  /** Overrides $CUTOVER_CONFIG and the default location. */
  configPath?: string;
  homeDir?: string;
  platform?: NodeJS.Platform;
  require?: ServiceGroup[];
}

export interface LoadResult extends ConfigResult {
  /** Where each key's value came from, for `cutover doctor`. */
  sources: Record<string, ConfigSource>;
  /** The config file consulted, and whether it was used. */
  file: { path: string; used: boolean } | null;
}

export function defaultConfigPath(env: NodeJS.ProcessEnv, homeDir: string): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : path.join(homeDir, '.config');
  return path.join(base, 'cutover', 'config.json');
}

export function loadConfig(options: LoadOptions = {}): LoadResult {
  const env = options.env ?? process.env;
  const explicit = options.configPath ?? (env.CUTOVER_CONFIG || undefined);
  const filePath = explicit ?? defaultConfigPath(env, options.homeDir ?? os.homedir());
  const file = readConfigFile(filePath, explicit !== undefined, options.platform ?? process.platform);
  const { raw, sources } = merge(file.raw, env, options.flags ?? {});
  const result = validateConfig(raw, options.require ? { require: options.require } : {});
  return {
    ...result,
    warnings: [...file.warnings, ...result.warnings],
    errors: [...file.errors, ...result.errors],
    sources,
    file: file.exists ? { path: filePath, used: file.used } : null,
  };
}

function merge(
  fromFile: RawConfig,
  env: NodeJS.ProcessEnv,
  flags: RawConfig,
): { raw: RawConfig; sources: Record<string, ConfigSource> } {
  const raw: RawConfig = {};
  const sources: Record<string, ConfigSource> = {};
  for (const { env: key } of CONFIG_KEYS) {
    const layers: [ConfigSource, string | undefined][] = [
      ['flag', flags[key]],
      ['env', env[key]],
      ['file', fromFile[key]],
    ];
    const hit = layers.find(([, value]) => value !== undefined && value !== '');
    if (hit) {
      raw[key] = hit[1];
      sources[key] = hit[0];
    } else {
      sources[key] = 'default';
    }
  }
  return { raw, sources };
}

interface FileRead {
  raw: RawConfig;
  warnings: string[];
  errors: string[];
  exists: boolean;
  used: boolean;
}

function readConfigFile(filePath: string, explicit: boolean, platform: NodeJS.Platform): FileRead {
  const none = { raw: {}, warnings: [], errors: [], exists: false, used: false };
  let text: string;
  let mode: number;
  try {
    mode = statSync(filePath).mode;
    text = readFileSync(filePath, 'utf8');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    if (missing && !explicit) return none;
    const why = missing ? 'no such file' : (err as Error).message;
    return { ...none, errors: [`config file ${filePath}: cannot be read (${why}); check CUTOVER_CONFIG`] };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return {
      ...none,
      exists: true,
      errors: [`config file ${filePath}: expected JSON, found a syntax error (${(err as Error).message})`],
    };
  }
  const { raw, errors } = fileToRaw(parsed, `config file ${filePath}`);
  const secrets = CONFIG_KEYS.filter((k) => k.secret && raw[k.env]).map((k) => `${k.section}.${k.key}`);
  // POSIX permissions only: on Windows the mode bits do not describe who can read the file.
  if (secrets.length > 0 && platform !== 'win32' && (mode & 0o077) !== 0) {
    const octal = (mode & 0o777).toString(8).padStart(3, '0');
    const warning =
      `config file ${filePath} holds secrets (${secrets.join(', ')}) but is readable by others (mode ${octal}); ` +
      `it was ignored. Fix: chmod 600 ${filePath}`;
    return { ...none, exists: true, warnings: [warning] };
  }
  return { raw, warnings: [], errors, exists: true, used: true };
}
