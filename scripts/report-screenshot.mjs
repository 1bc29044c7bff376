// Renders the HTML downtime report of a seeded demo database and screenshots it into docs/img/report.png.
// Run after `npm run build` (it imports the built code from dist/): npm run report:screenshot
// Needs Debian's /usr/bin/chromium (apt-get install -y chromium); playwright-core drives it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { openStore } from '../dist/adapters/sqlite/store.js';
import { openReportSource } from '../dist/adapters/sqlite/report-source.js';
import { renderReport, DEFAULT_TIMELINE_CAP } from '../dist/report/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = path.join(ROOT, 'docs', 'img', 'report.png');
const CHROMIUM = '/usr/bin/chromium';
const NOW = '2026-03-31T16:00:00.000Z';

const minutes = (iso, n) => new Date(Date.parse(iso) + n * 60_000).toISOString();

/** [id, org, status, ticket filed, minutes to legacy stop, detect, connect, first data, override?] */
const DEMO = [
  ['mig-0301-acme', 'ACME01@AdobeOrg', 'completed', '2026-03-02T08:12:00+0100', 2 * 1440 + 310, 1, 1.2, 38],
  ['mig-0303-globex', 'GLOBEX7@AdobeOrg', 'completed', '2026-03-03T14:40:00-0500', 1440 + 95, 3, 3.4, 52],
  ['mig-0305-initech', 'INITECH@AdobeOrg', 'completed', '2026-03-05T10:05:00Z', 4 * 1440 + 30, 0.5, 0.7, 24],
  [
    'mig-0306-umbrella',
    'UMBRELLA@AdobeOrg',
    'completed',
    '2026-03-06T16:30:00Z',
    3 * 1440 + 1,
    14,
    14.5,
    95,
    'override',
  ],
  ['mig-0310-hooli', 'HOOLI42@AdobeOrg', 'completed', '2026-03-10T09:00:00+0100', 6 * 1440 + 200, 2, 2.3, null],
  ['mig-0312-stark', 'STARK@AdobeOrg', 'completed', '2026-03-12T11:20:00Z', 2 * 1440 + 600, 1, 1.1, 31],
  ['mig-0316-wayne', 'WAYNE@AdobeOrg', 'completed', '2026-03-16T13:45:00-0500', 1440 + 420, 6, 6.8, 64],
  ['mig-0318-tyrell', 'TYRELL@AdobeOrg', 'needs_attention', '2026-03-18T09:30:00Z', 2 * 1440 + 60, 2, null, null],
  ['mig-0319-soylent', 'SOYLENT@AdobeOrg', 'waiting', '2026-03-19T15:00:00Z', null],
  ['mig-0327-cyberdyne', 'CYBERDYNE@AdobeOrg', 'waiting', '2026-03-27T10:00:00Z', null],
];

function marksOf([, , , filed, stop, detect, connect, data, override]) {
  const marks = { ticket_filed: { at: filed, source: 'jira.created' } };
  if (stop === null || stop === undefined) return marks;
  const stopped = minutes(filed, stop);
  marks.legacy_stopped = override
    ? {
        at: stopped,
        source: 'operator',
        override: { by: 'support@example', reason: 'resolutiondate set a day late; changelog shows the real stop' },
      }
    : { at: stopped, source: 'jira.resolutiondate' };
  marks.resolution_detected = { at: minutes(stopped, detect), source: 'cutover.clock' };
  if (connect !== null)
    marks.connection_established = { at: minutes(stopped, connect), source: 'flowservice.createdAt' };
  if (data !== null && data !== undefined) marks.first_data = { at: minutes(stopped, data), source: 'aam.segment' };
  return marks;
}

async function seedDemo(file) {
  const store = openStore(file);
  try {
    for (const demo of DEMO) {
      const [id, orgId, status, filed] = demo;
      const at = minutes(filed, -30);
      const plan = { orgId, ticketSlaBusinessDays: 6, destination: { tokenEnv: 'ECA_TOKEN' } };
      await store.create({
        id,
        orgId,
        plan,
        machineVersion: 'demo',
        xstateVersion: '5.33.3',
        state: 'planned',
        status: 'active',
        at,
        journal: [],
      });
      const t = {
        snapshot: null,
        machineVersion: 'demo',
        xstateVersion: '5.33.3',
        state: status === 'completed' ? 'done' : status,
        status,
      };
      await store.commitTransition(id, {
        ...t,
        progressed: true,
        attempts: 0,
        lastError: null,
        ticketKey: `MIG-${100 + DEMO.indexOf(demo)}`,
        marks: marksOf(demo),
        journal: [],
        at,
      });
    }
  } finally {
    await store.close();
  }
}

async function renderHtml(dbFile, htmlFile) {
  const source = openReportSource(dbFile);
  const out = fs.createWriteStream(htmlFile);
  try {
    await renderReport('html', source, { query: { now: NOW, holidays: [] }, timelineCap: DEFAULT_TIMELINE_CAP }, out);
  } finally {
    source.close();
    await new Promise((resolve, reject) => out.end((err) => (err ? reject(err) : resolve())));
  }
}

async function screenshot(htmlFile, pngFile, profile) {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get update && apt-get install -y chromium`);
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ];
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args,
    viewport: { width: 1280, height: 900 },
    deviceScaleFactor: 1,
  });
  try {
    const page = await context.newPage();
    await page.goto(pathToFileURL(htmlFile).href);
    fs.mkdirSync(path.dirname(pngFile), { recursive: true });
    await page.screenshot({ path: pngFile, fullPage: true });
  } finally {
    await context.close();
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutover-report-demo-'));
try {
  const db = path.join(dir, 'demo.db');
  const html = path.join(dir, 'report.html');
  await seedDemo(db);
  await renderHtml(db, html);
  await screenshot(html, OUT, path.join(dir, 'profile'));
  process.stderr.write(`wrote ${path.relative(process.cwd(), OUT)}\n`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
