// The engine's public face: the one module the front ends (the CLI today) import. Everything a migration does
// happens through these: create and drive it under a fenced lease, deliver an operator event to the runner that
// holds it, gather preflight facts, and the effect actors a dry run provides against recording stand-ins.
// Pure helpers front ends also need (state names, versions) live in src/core and are imported from there.
export { checkOperatorEvent, Engine, newMigrationId, storedContext } from './engine.js';
export type { DriveMode, DriveOptions, DriveResult, EngineDeps, MigrationSnapshot } from './engine.js';
export { effectActors } from './effects.js';
export type { EffectDeps } from './effects.js';
export { handoffLines } from './handoff.js';
export { gatherFacts, legacyAudienceIds } from './preflight.js';
export { restoreSnapshot } from './restore.js';
export { REHEARSAL_PATHS, rehearse } from './rehearse.js';
export type { Rehearsal, RehearsalDeps, RehearsalOptions, RehearsalPath, RehearsalRest } from './rehearse.js';
export { DEFAULT_SETTINGS } from './types.js';
export type { EngineSettings, Services } from './types.js';
export { fleetClaims } from './claims.js';
export type { FleetClaims, FleetClaimsDeps } from './claims.js';
export { Scheduler } from './fleet/scheduler.js';
export type { DriveOne, SchedulerOptions, WatchedMigration, WatchEvent, WatchSummary } from './fleet/scheduler.js';
export { OutboxSender, retryDelay, SENDER_DEFAULTS } from './notify-sender.js';
export type { NotificationReceiver, PostResult, SenderEvent, SenderOptions } from './notify-sender.js';
