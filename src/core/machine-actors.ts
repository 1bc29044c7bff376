// The migration machine's named actors (machine.ts), as placeholders: the engine provides every implementation
// with `machine.provide`; these only say what each actor takes and gives.
import { fromPromise } from 'xstate';
import type {
  ActorInputs,
  DisableOutput,
  FlowOutput,
  LegacyDataOutput,
  PreflightOutput,
  RemoteIdOutput,
  TicketInfo,
  TicketPollOutput,
  VerificationOutput,
} from './machine-types.js';

function placeholder<I, O>(name: string) {
  return fromPromise<O, I>(async () => {
    throw new Error(`actor ${name} was not provided: the engine must call machine.provide()`);
  });
}

export const actors = {
  runPreflight: placeholder<ActorInputs['runPreflight'], PreflightOutput>('runPreflight'),
  ensureBaseConnection: placeholder<ActorInputs['ensureBaseConnection'], RemoteIdOutput>('ensureBaseConnection'),
  ensureSourceConnection: placeholder<ActorInputs['ensureSourceConnection'], RemoteIdOutput>('ensureSourceConnection'),
  ensureTargetConnection: placeholder<ActorInputs['ensureTargetConnection'], RemoteIdOutput>('ensureTargetConnection'),
  fileTicket: placeholder<ActorInputs['fileTicket'], TicketInfo>('fileTicket'),
  pollTicket: placeholder<ActorInputs['pollTicket'], TicketPollOutput>('pollTicket'),
  waitUntil: placeholder<ActorInputs['waitUntil'], void>('waitUntil'),
  createFlow: placeholder<ActorInputs['createFlow'], FlowOutput>('createFlow'),
  checkVerification: placeholder<ActorInputs['checkVerification'], VerificationOutput>('checkVerification'),
  postHandoff: placeholder<ActorInputs['postHandoff'], void>('postHandoff'),
  withdrawTicket: placeholder<ActorInputs['withdrawTicket'], void>('withdrawTicket'),
  disableFlow: placeholder<ActorInputs['disableFlow'], DisableOutput>('disableFlow'),
  fileReenableTicket: placeholder<ActorInputs['fileReenableTicket'], TicketInfo>('fileReenableTicket'),
  checkLegacyData: placeholder<ActorInputs['checkLegacyData'], LegacyDataOutput>('checkLegacyData'),
  postRollbackHandoff: placeholder<ActorInputs['postRollbackHandoff'], void>('postRollbackHandoff'),
};
