/**
 * Fixed values of the simulated vendors: demo credentials, the connection/flow spec catalogue, and the
 * Audience Manager data source names. The Experience Cloud Audiences ids are made up (no public id exists,
 * see reference/adobe-apis.md §1.1): clients must find them by name at run time, as they would against Adobe.
 */

export const DEMO_CREDENTIALS = {
  clientId: 'cutover-demo-client',
  clientSecret: 'p8e-demo-secret-not-a-real-one',
  apiKey: 'cutover-demo-client',
  jiraEmail: 'admin@example.com',
  jiraToken: 'ATATT-demo-jira-token',
  orgId: '53A3D1F45E8B4C2A0A495C2B@AdobeOrg',
} as const;

export const PROFILE_STORE_SPEC_ID = '8a9c3494-9708-43d7-ae3f-cda01e5030e1';
/** Made up, stable. */
export const ECA_CONNECTION_SPEC_ID = 'c9d07a4e-3a2f-4b1e-9f3c-6e0ca0d1e7a5';
/** Made up, stable. */
export const ECA_FLOW_SPEC_ID = '2d7c5b1a-8e44-4f5a-b0a9-0eca5f10c0de';
export const ECA_NAME = 'Experience Cloud Audiences';
export const PROFILE_DESTINATIONS_FLOW_SPEC_ID = '71471eba-b620-49e4-90fd-23f1fa0174d8';
export const KINESIS_SPEC_ID = '86043421-563b-46ec-8e6c-e23184711bf6';
export const EVENT_HUBS_SPEC_ID = 'bf9f5905-92b7-48bf-bf20-455bc6b60a4e';
export const S3_SPEC_ID = '4fce964d-3f37-408f-9778-e597338a21ee';

/** The identities the ECA card supports (reference §2.1); phone_sha256 and extern_id are not among them. */
export const ECA_TARGET_IDENTITIES = ['ECID', 'GAID', 'IDFA', 'email_lc_sha256'] as const;

export const LEGACY_DATA_SOURCE_NAME = 'Adobe Experience Platform Audience Sharing';
export const ECA_DATA_SOURCE_NAME = 'Experience Platform Segments';

export const JIRA_PROJECT = { id: '10000', key: 'CC', name: 'Customer Care' } as const;

/** An org id as Adobe writes them: 24 hex characters and "@AdobeOrg". Looser here so any test org works. */
export const ORG_ID_PATTERN = /[A-Za-z0-9]+@AdobeOrg/g;

/**
 * Base delays, in emulated milliseconds; the real delay is this times `timeScale`. With the default time
 * scale (0.5) the world settles in about two seconds.
 */
export const DEFAULT_DELAYS = {
  /** Flow created → its audiences appear in "Experience Platform Segments" (reference: "within minutes"). */
  aamPropagationMs: 3000,
  /** Flow created → a first successful run appears. */
  firstRunMs: 2000,
} as const;

export const DEFAULT_TIME_SCALE = 0.5;
