// Configuration: the pure validator (messages name key, expectation, finding) and the loader (precedence
// flags > environment > file, the 0600 rule for files holding secrets).
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileToRaw, secretValues, validateConfig } from '../../src/core/config.js';
import { loadConfig } from '../../src/adapters/config-load.js';

const complete = {
  CUTOVER_JIRA_URL: 'https://example.atlassian.net',
  CUTOVER_JIRA_EMAIL: 'admin@example.com',
  CUTOVER_JIRA_TOKEN: 'jira-token-xyz',
  CUTOVER_CLIENT_ID: 'cid',
  CUTOVER_CLIENT_SECRET: 'csecret-123',
  CUTOVER_ORG_ID: 'ORG1@AdobeOrg',
};
const dir = mkdtempSync(path.join(os.tmpdir(), 'cutover-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('validateConfig', () => {
  it('fills every default', () => {
    const { config, errors, warnings } = validateConfig(complete);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    expect(config).toMatchObject({
      jira: { flavor: 'cloud', url: 'https://example.atlassian.net' },
      ims: { url: 'https://ims-na1.adobelogin.com' },
      platform: { url: 'https://platform.adobe.io', sandbox: 'prod', ecaSpecName: 'Experience Cloud Audiences' },
      aam: {
        url: 'https://aam.adobe.io',
        dataSource: 'Experience Platform Segments',
        legacyDataSource: 'Adobe Experience Platform Audience Sharing',
      },
      http: { timeoutMs: 30000, retries: 4, debug: false },
    });
    expect(config.platform.ecaFlowSpecName).toBeUndefined();
  });

  it('reads the Jira site budget (requests per second), 2 by default, refusing what is not a positive rate', () => {
    expect(validateConfig(complete).config.jira.rate).toBe(2);
    expect(validateConfig({ ...complete, CUTOVER_JIRA_RATE: '0.5' }).config.jira.rate).toBe(0.5);
    for (const bad of ['0', '-1', 'fast', '5000']) {
      expect(validateConfig({ ...complete, CUTOVER_JIRA_RATE: bad }).errors).toEqual([
        `CUTOVER_JIRA_RATE: expected a number of requests per second from 0.01 to 1000, found "${bad}"`,
      ]);
    }
  });

  it('names the key, the expectation and the finding', () => {
    const { errors } = validateConfig({
      ...complete,
      CUTOVER_JIRA_FLAVOR: 'server',
      CUTOVER_HTTP_RETRIES: 'lots',
      CUTOVER_PLATFORM_URL: 'ftp://x',
      CUTOVER_JIRA_TOKEN: '',
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        'CUTOVER_JIRA_FLAVOR: expected one of cloud, dc, found "server"',
        'CUTOVER_HTTP_RETRIES: expected a whole number from 0 to 10, found "lots"',
        'CUTOVER_PLATFORM_URL: expected an http(s) URL, found protocol "ftp:"',
        expect.stringMatching(/^CUTOVER_JIRA_TOKEN: required, not set \(.*jira\.token\)$/),
      ]),
    );
  });

  it('requires the email on Cloud only, and warns about odd but usable values', () => {
    const { CUTOVER_JIRA_EMAIL: _drop, ...noEmail } = complete;
    expect(validateConfig(noEmail).errors).toEqual([expect.stringMatching(/^CUTOVER_JIRA_EMAIL: required/)]);
    const dc = validateConfig({
      ...noEmail,
      CUTOVER_JIRA_FLAVOR: 'dc',
      CUTOVER_JIRA_URL: 'http://jira.internal:8080/jira/',
      CUTOVER_SANDBOX: 'Dev',
      CUTOVER_IMS_SCOPES: 'openid AdobeID',
    });
    expect(dc.errors).toEqual([]);
    expect(dc.config.jira.url).toBe('http://jira.internal:8080/jira');
    expect(dc.config.platform.sandbox).toBe('dev');
    expect(dc.config.ims.scopes).toBe('openid,AdobeID');
    expect(dc.warnings.join('\n')).toMatch(/CUTOVER_JIRA_URL: expected https/);
  });

  it('cuts a REST path copied into the Jira URL, with a warning (not sent to /rest/api/3/rest/api/3)', () => {
    const cloud = validateConfig({ ...complete, CUTOVER_JIRA_URL: 'https://example.atlassian.net/rest/api/3/' });
    expect(cloud.errors).toEqual([]);
    expect(cloud.config.jira.url).toBe('https://example.atlassian.net');
    const site = 'https://example.atlassian.net';
    expect(cloud.warnings).toContainEqual(
      'CUTOVER_JIRA_URL: expected the Jira site without the REST path, ' +
        `found "${site}/rest/api/3"; using "${site}" (cutover adds /rest/api/3 itself for CUTOVER_JIRA_FLAVOR=cloud; ` +
        `set CUTOVER_JIRA_URL=${site} to silence this)`,
    );
    const dc = validateConfig({
      ...complete,
      CUTOVER_JIRA_FLAVOR: 'dc',
      CUTOVER_JIRA_URL: 'https://jira.internal/jira/rest/api/2',
    });
    expect(dc.config.jira.url).toBe('https://jira.internal/jira');
    expect(dc.warnings.join('\n')).toMatch(/adds \/rest\/api\/2 itself for CUTOVER_JIRA_FLAVOR=dc/);
    const other = validateConfig({ ...complete, CUTOVER_JIRA_URL: 'https://jira.internal/rest/apis' });
    expect(other.config.jira.url).toBe('https://jira.internal/rest/apis');
  });

  it('checks only the services asked for, and lists secrets for redaction', () => {
    expect(
      validateConfig(
        { CUTOVER_CLIENT_ID: 'a', CUTOVER_CLIENT_SECRET: 'bbbb', CUTOVER_ORG_ID: 'O@AdobeOrg' },
        { require: ['adobe'] },
      ).errors,
    ).toEqual([]);
    const { config } = validateConfig({ ...complete, CUTOVER_DEBUG: 'http' });
    expect(config.http.debug).toBe(true);
    expect(secretValues(config)).toEqual(['jira-token-xyz', 'csecret-123', 'admin@example.com:jira-token-xyz']);
  });

  it('maps config-file sections to keys and reports unknown ones', () => {
    const { raw, errors } = fileToRaw(
      { jira: { url: 'https://x.atlassian.net', tokn: 'x' }, http: { retries: 2 } },
      'f.json',
    );
    expect(raw).toEqual({ CUTOVER_JIRA_URL: 'https://x.atlassian.net', CUTOVER_HTTP_RETRIES: '2' });
    expect(errors).toEqual(['f.json: jira.tokn: unknown setting (known: url, flavor, email, token, rate)']);
  });
});

describe('loadConfig', () => {
  function file(name: string, body: unknown, mode: number): string {
    const p = path.join(dir, name);
    writeFileSync(p, JSON.stringify(body));
    chmodSync(p, mode);
    return p;
  }

  it('applies flags > environment > file > defaults and says where each value came from', () => {
    const p = file(
      'ok.json',
      {
        jira: { url: 'https://file.atlassian.net', email: 'f@example.com', token: 'file-token' },
        platform: { sandbox: 'filesb' },
      },
      0o600,
    );
    const r = loadConfig({
      env: { ...complete, CUTOVER_JIRA_URL: 'https://env.atlassian.net', CUTOVER_CONFIG: p },
      flags: { CUTOVER_SANDBOX: 'flagsb' },
    });
    expect(r.errors).toEqual([]);
    expect(r.config.jira.url).toBe('https://env.atlassian.net');
    expect(r.config.platform.sandbox).toBe('flagsb');
    expect(r.sources).toMatchObject({
      CUTOVER_JIRA_URL: 'env',
      CUTOVER_SANDBOX: 'flag',
      CUTOVER_PLATFORM_URL: 'default',
    });
    const fromFile = loadConfig({ env: { CUTOVER_CONFIG: p }, require: ['jira'] });
    expect(fromFile.config.jira.token).toBe('file-token');
    expect(fromFile.sources.CUTOVER_JIRA_TOKEN).toBe('file');
  });

  it('refuses a config file holding secrets that others can read, with the chmod fix', () => {
    const p = file('open.json', { jira: { token: 'leaky' } }, 0o644);
    const r = loadConfig({ env: { ...complete, CUTOVER_CONFIG: p } });
    expect(r.file).toEqual({ path: p, used: false });
    expect(r.warnings[0]).toMatch(/holds secrets \(jira\.token\) but is readable by others \(mode 644\).*chmod 600/);
    expect(r.config.jira.token).toBe('jira-token-xyz');
  });

  it('reports an explicit config file that is missing or not JSON; ignores a missing default one', () => {
    expect(loadConfig({ env: { ...complete, CUTOVER_CONFIG: path.join(dir, 'nope.json') } }).errors[0]).toMatch(
      /cannot be read \(no such file\)/,
    );
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{"jira": ');
    expect(loadConfig({ env: { ...complete, CUTOVER_CONFIG: bad } }).errors[0]).toMatch(
      /expected JSON, found a syntax error/,
    );
    expect(loadConfig({ env: complete, homeDir: dir }).errors).toEqual([]);
  });
});
