// Every error shape the services are known to send, and the garbage they sometimes send instead.
import { describe, expect, it } from 'vitest';
import { parseVendorError } from '../../src/adapters/http/vendor-error.js';
import { Redactor } from '../../src/adapters/http/redact.js';

const J = 'application/json';

describe('parseVendorError', () => {
  it.each([
    [
      'Adobe gateway',
      403,
      { error_code: '403010', message: 'Oauth token is missing.' },
      { code: '403010', message: 'Oauth token is missing.' },
    ],
    [
      'Adobe gateway, numeric code',
      401,
      { error_code: 401013, message: 'Oauth token is not valid' },
      { code: '401013', message: 'Oauth token is not valid' },
    ],
    [
      'Flow Service problem+json',
      404,
      {
        type: 'https://ns.adobe.com/aep/errors/FLOW-1439-404',
        title: 'Resource not found',
        status: 404,
        report: { 'detailed-message': 'The requested flows resource 8422 is not found.' },
        errorMessage: 'x',
      },
      { code: 'FLOW-1439-404', message: 'The requested flows resource 8422 is not found.' },
    ],
    [
      'Flow Service bare',
      412,
      { errorMessage: 'Supplied version=["a"] does not match', errorDetails: 'Supplied version=["a"] does not match' },
      { code: undefined, message: 'Supplied version=["a"] does not match' },
    ],
    [
      'problem details with placeholder type',
      400,
      {
        type: '/placeholder/type/uri',
        status: 400,
        title: 'BadRequestError',
        detail: 'A valid content-type must be specified',
      },
      { code: 'BadRequestError', message: 'A valid content-type must be specified' },
    ],
    [
      'Jira ErrorCollection',
      400,
      {
        errorMessages: ["Field 'priority' is required"],
        errors: { summary: 'You must specify a summary of the issue.' },
      },
      { message: "Field 'priority' is required; summary: You must specify a summary of the issue." },
    ],
    [
      'OAuth',
      400,
      { error: 'invalid_client', error_description: 'invalid client_id parameter' },
      { code: 'invalid_client', message: 'invalid client_id parameter' },
    ],
    ['generic message', 500, { message: 'boom' }, { code: undefined, message: 'boom' }],
  ])('%s', (_name, status, body, expected) => {
    expect(parseVendorError(status, J, JSON.stringify(body))).toMatchObject(expected);
  });

  it('reads plain text, and calls HTML, truncated JSON and empty bodies unexpected', () => {
    expect(parseVendorError(401, 'text/plain', 'Client must be authenticated to access this resource.')).toEqual({
      message: 'Client must be authenticated to access this resource.',
    });
    expect(
      parseVendorError(502, 'text/html', '<!DOCTYPE html><html><body><h1>Bad   Gateway</h1></body></html>').message,
    ).toBe('unexpected response: HTML page "Bad Gateway"');
    expect(parseVendorError(500, J, '{"errorMessage": "cut of').message).toMatch(
      /^unexpected response: invalid JSON \(\{"errorMessage": "cut of\)$/,
    );
    expect(parseVendorError(503, '', '').message).toBe('HTTP 503 with an empty body');
  });
});

describe('Redactor', () => {
  it('masks headers, JSON and form secrets, URLs and configured values in any encoding', () => {
    const r = new Redactor(['s3cret-value', 'x']);
    expect(r.headers({ Authorization: 'Basic abc', 'x-api-key': 'k', Accept: 'application/json' })).toEqual({
      Authorization: 'Basic [REDACTED]',
      'x-api-key': '[REDACTED]',
      Accept: 'application/json',
    });
    expect(r.body('{"access_token":"t","nested":{"refresh_token":"u"},"note":"has s3cret-value"}')).toBe(
      '{"access_token":"[REDACTED]","nested":{"refresh_token":"[REDACTED]"},"note":"has [REDACTED]"}',
    );
    expect(r.body('grant_type=client_credentials&client_secret=abc')).toBe(
      'grant_type=client_credentials&client_secret=[REDACTED]',
    );
    expect(r.url('https://u:p@host/path?access_token=t&q=1')).toBe('https://host/path?access_token=%5BREDACTED%5D&q=1');
    expect(r.text(`b64 ${Buffer.from('s3cret-value').toString('base64')}`)).toBe('b64 [REDACTED]');
    expect(r.text('x marks the spot')).toBe('x marks the spot'); // too short to redact by substring
  });
});
