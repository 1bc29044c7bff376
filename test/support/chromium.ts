// Headless Chromium for browser tests and the screenshot script: Debian's /usr/bin/chromium driven by
// playwright-core. CI gets Chromium the way this file does: when it is missing and we are root, it is installed
// with apt-get (allow ~3 minutes). When it cannot be installed the caller fails with a clear message: a browser
// test that silently skips would hide a broken report.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
/** apt-get update + install of chromium on a cold CI machine. */
export const CHROMIUM_INSTALL_TIMEOUT_MS = 180_000;

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Makes sure /usr/bin/chromium exists, installing it with apt-get when we are root; throws otherwise. */
export function ensureChromium(): string {
  if (fs.existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root) {
    throw new Error(
      `${CHROMIUM_PATH} is missing and this process is not root, so it cannot install it: run "apt-get update && apt-get install -y chromium" as root`,
    );
  }
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update'], { stdio: 'inherit', env, timeout: CHROMIUM_INSTALL_TIMEOUT_MS });
    execFileSync('apt-get', ['install', '-y', 'chromium'], {
      stdio: 'inherit',
      env,
      timeout: CHROMIUM_INSTALL_TIMEOUT_MS,
    });
  } catch (err) {
    throw new Error(
      `could not install Chromium with apt-get (${(err as Error).message}); install the "chromium" package and run again`,
    );
  }
  if (!fs.existsSync(CHROMIUM_PATH))
    throw new Error(`apt-get install chromium finished but ${CHROMIUM_PATH} is still missing`);
  return CHROMIUM_PATH;
}

export interface LaunchedChromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Launches headless Chromium with a fresh profile folder (--user-data-dir), removed again on close. Playwright
 * takes the profile folder as launchPersistentContext's argument rather than as a command-line flag.
 */
export async function launchChromium(): Promise<LaunchedChromium> {
  const executablePath = ensureChromium();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cutover-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: ARGS });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
