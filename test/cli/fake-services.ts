// Stands in for src/adapters/services.js in CLI tests (vi.mock): the CLI's runtime then drives the engine
// against the in-memory fakes of the current test instead of real HTTP clients, so that a test can build any
// state (exhausted retries, a failed check, a dead runner) on a fake clock. emulator.test.ts covers the real wire.
import { fakeServices } from '../support/fakes/services.js';
import { Redactor } from '../../src/adapters/http/redact.js';

export const current: { services: ReturnType<typeof fakeServices> } = { services: fakeServices() };

/** The fakes, in the shape createServices returns (the CLI registers extra secrets with the redactor). */
export function createServices(): ReturnType<typeof fakeServices> & { redactor: Redactor } {
  return { ...current.services, redactor: new Redactor() };
}
