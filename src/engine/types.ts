// What the engine is built from: the service ports and the settings the effects need.
import type { AudienceDirectory, DestinationPlatform, TicketTracker } from '../ports.js';

export interface Services {
  tracker: TicketTracker;
  platform: DestinationPlatform;
  directory: AudienceDirectory;
}

export interface EngineSettings {
  /** Catalogue name of the Experience Cloud Audiences connection spec (no public id exists). */
  ecaSpecName: string;
  ecaFlowSpecName: string;
  /** Audience Manager data source the new card writes to, and the one the legacy pipe wrote to. */
  aamDataSource: string;
  aamLegacyDataSource: string;
  profileSourceSpecId: string;
  leaseTtlMs: number;
}

export const DEFAULT_SETTINGS: EngineSettings = {
  ecaSpecName: 'Experience Cloud Audiences',
  ecaFlowSpecName: 'Experience Cloud Audiences',
  aamDataSource: 'Experience Platform Segments',
  aamLegacyDataSource: 'Adobe Experience Platform Audience Sharing',
  profileSourceSpecId: '8a9c3494-9708-43d7-ae3f-cda01e5030e1',
  leaseTtlMs: 60_000,
};
