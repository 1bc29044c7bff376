// The HTML report in a real browser: headless Chromium (Debian's /usr/bin/chromium, installed by
// test/support/chromium.ts when missing) opens the file and finds one labelled timeline row per migration,
// with no network request at all.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_INSTALL_TIMEOUT_MS, launchChromium, type LaunchedChromium } from '../support/chromium.js';
import { marksAt, runCli, seededDb, tempDir, type SeedMigration } from './helpers.js';

const BASE = '2026-03-02T09:00:00Z';
const MIGRATIONS: SeedMigration[] = [
  {
    id: 'mig-acme',
    orgId: 'ACME@AdobeOrg',
    ticketKey: 'MIG-1',
    marks: marksAt(BASE, { filed: 0, stopped: 2000, detected: 2001, connected: 2002, data: 2040 }),
  },
  {
    id: 'mig-globex',
    orgId: 'GLOBEX@AdobeOrg',
    ticketKey: 'MIG-2',
    marks: marksAt(BASE, { filed: 10, stopped: 3000, connected: 3020 }),
  },
  {
    id: 'mig-initech',
    orgId: 'INITECH@AdobeOrg',
    ticketKey: 'MIG-3',
    status: 'waiting',
    marks: marksAt(BASE, { filed: 20 }),
  },
];
MIGRATIONS[1]!.marks!.legacy_stopped!.override = { by: 'ops@example', reason: 'changelog shows the real stop' };

let chromium: LaunchedChromium;
let htmlFile: string;

beforeAll(async () => {
  chromium = await launchChromium();
  htmlFile = path.join(tempDir(), 'report.html');
  const r = await runCli(['--db', await seededDb(MIGRATIONS), 'report', '--format', 'html', '--out', htmlFile]);
  expect(r.code).toBe(0);
}, CHROMIUM_INSTALL_TIMEOUT_MS + 60_000);

afterAll(async () => {
  await chromium?.close();
});

describe('HTML report in Chromium', () => {
  it('shows one timeline row per migration, labelled with id, org and ticket, and loads nothing else', async () => {
    const page = await chromium.context.newPage();
    const requests: string[] = [];
    page.on('request', (req) => requests.push(req.url()));
    await page.goto(pathToFileURL(htmlFile).href);
    const rows = page.locator('#timeline svg.tl-row[data-migration-id]');
    expect(await rows.count()).toBe(MIGRATIONS.length);
    for (const m of MIGRATIONS) {
      const row = page.locator(`#timeline [data-migration-id="${m.id}"]`);
      expect(await row.count()).toBe(1);
      const text = await row.textContent();
      expect(text).toContain(m.id);
      expect(text).toContain(m.orgId!);
      expect(text).toContain(m.ticketKey!);
    }
    expect(await page.locator('[data-migration-id="mig-acme"] rect.down').count()).toBe(1);
    expect(await page.locator('[data-migration-id="mig-globex"]').textContent()).toContain('operator override');
    expect(await page.locator('[data-migration-id="mig-initech"]').textContent()).toContain('n/a');
    expect(await page.locator('table.rows tbody tr').count()).toBe(MIGRATIONS.length);
    expect(requests).toEqual([pathToFileURL(htmlFile).href]);
    const pdf = await page.pdf({ format: 'A4', landscape: true });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await page.close();
  });

  it('is one self-contained file', () => {
    const html = fs.readFileSync(htmlFile, 'utf8');
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i);
  });
});
