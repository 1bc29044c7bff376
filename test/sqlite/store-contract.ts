// The behaviour every MigrationStore must have. Run against the SQLite store, the PostgreSQL store
// (test/postgres/store.test.ts) and the in-memory fake, so the fake that other tests rely on is proven to behave
// like the real adapters.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/errors.js';
import type { MigrationStore } from '../../src/ports.js';
import { at, lease, newMigration, storeClock, T0, transition } from './helpers.js';
import { claimsContract } from './claims-contract.js';
import { leaseContract } from './lease-contract.js';
import { outboxContract } from './outbox-contract.js';

/**
 * `open` builds a new, empty store over the given clock: the store's own, by which it judges lease expiry. Each
 * call is a separate store (a new file, a new database).
 */
export function storeContract(
  name: string,
  open: (now: () => number) => MigrationStore | Promise<MigrationStore>,
): void {
  describe(`${name}: MigrationStore contract`, () => {
    let store: MigrationStore;
    let clock: ReturnType<typeof storeClock>;
    beforeEach(async () => {
      clock = storeClock();
      store = await open(clock.now);
    });
    afterEach(async () => {
      await store.close();
    });

    describe('migrations', () => {
      it('round-trips a new migration through create and get', async () => {
        await store.create(newMigration('m-1'));
        expect(await store.get('m-1')).toEqual({
          id: 'm-1',
          orgId: 'ORG1@AdobeOrg',
          plan: { orgId: 'ORG1@AdobeOrg', audiences: ['seg-1'], nested: { list: [1, 2] } },
          snapshot: null,
          machineVersion: 'm1',
          xstateVersion: '5.33.3',
          state: 'planned',
          status: 'active',
          createdAt: T0,
          updatedAt: T0,
          progressAt: T0,
          attempts: 0,
          lastError: null,
          ticketKey: null,
          marks: {},
        });
        expect(await store.get('nope')).toBeNull();
      });

      it('writes the first snapshot with the new migration', async () => {
        await store.create(newMigration('m-1', { snapshot: { value: 'draft', context: { n: 1 } } }));
        expect(await store.get('m-1')).toMatchObject({
          snapshot: { value: 'draft', context: { n: 1 } },
          state: 'planned',
        });
      });

      it('refuses a duplicate id', async () => {
        await store.create(newMigration('m-1'));
        await expect(store.create(newMigration('m-1'))).rejects.toMatchObject({ code: 'STORE_DUPLICATE' });
      });

      it('lists by filter, most recently updated first', async () => {
        await store.create(newMigration('a', { at: at(0) }));
        await store.create(newMigration('b', { at: at(5), orgId: 'ORG2@AdobeOrg' }));
        await store.create(newMigration('c', { at: at(2) }));
        await store.commitTransition('a', transition({ at: at(9), status: 'waiting' }));
        expect((await store.list()).map((m) => m.id)).toEqual(['a', 'b', 'c']);
        expect((await store.list({ status: 'active' })).map((m) => m.id)).toEqual(['b', 'c']);
        expect((await store.list({ orgId: 'ORG2@AdobeOrg' })).map((m) => m.id)).toEqual(['b']);
        expect(await store.list({ status: 'completed' })).toEqual([]);
      });

      it("summarises the plan's sla.timeZone when it is a string, null otherwise", async () => {
        await store.create(newMigration('a', { at: at(0), plan: { sla: { timeZone: 'America/Los_Angeles' } } }));
        await store.create(newMigration('b', { at: at(1), plan: { sla: { timeZone: 7 } } }));
        await store.create(newMigration('c', { at: at(2), plan: { ticketSlaBusinessDays: 3 } }));
        const byId = new Map((await store.summaries()).summaries.map((s) => [s.id, s.planSlaTimeZone]));
        expect(Object.fromEntries(byId)).toEqual({ a: 'America/Los_Angeles', b: null, c: null });
      });

      it("summarises what list returns, in the same order, with marks, lease and the plan's service level", async () => {
        await store.create(newMigration('a', { at: at(0), plan: { ticketSlaBusinessDays: 3, audiences: [] } }));
        await store.create(
          newMigration('b', { at: at(5), orgId: 'ORG2@AdobeOrg', plan: { ticketSlaBusinessDays: '3' } }),
        );
        await store.create(newMigration('c', { at: at(2), plan: { ticketSlaBusinessDays: 2.5 } }));
        const stopped = { at: at(8), source: 'jira.resolutiondate' };
        await store.commitTransition(
          'a',
          transition({ at: at(9), status: 'waiting', marks: { legacy_stopped: stopped } }),
        );
        await store.acquireLease(lease('c', 'n1', 60));
        for (const filter of [
          {},
          { status: 'active' as const },
          { orgId: 'ORG2@AdobeOrg' },
          { status: 'completed' as const },
        ]) {
          const records = await store.list(filter);
          const { summaries, total } = await store.summaries(filter);
          expect(total).toBe(records.length);
          expect(summaries.map((s) => s.id)).toEqual(records.map((r) => r.id));
          for (const [i, { plan: _plan, snapshot: _snapshot, ...rest }] of records.entries())
            expect(summaries[i]).toMatchObject(rest);
        }
        expect(await store.summaries({}, 2)).toMatchObject({ total: 3, summaries: [{ id: 'a' }, { id: 'b' }] });
        expect((await store.summaries({ status: 'active' }, 1)).summaries[0]!.marks).toEqual({});
        const [a, b, c] = (await store.summaries()).summaries;
        expect(a).toMatchObject({
          id: 'a',
          planSlaBusinessDays: 3,
          marks: { legacy_stopped: stopped },
          lease: null,
          status: 'waiting',
        });
        expect(b).toMatchObject({ id: 'b', planSlaBusinessDays: null }); // a string is not a number of days
        expect(c).toMatchObject({ id: 'c', planSlaBusinessDays: null, lease: { nonce: 'n1', expiresAt: at(60) } });
        expect(a).not.toHaveProperty('snapshot');
        expect(a).not.toHaveProperty('plan');
      });

      it('does not alias what it is given or what it returns', async () => {
        const input = newMigration('m-1');
        await store.create(input);
        (input.plan as { audiences: string[] }).audiences.push('mutated');
        const got = await store.get('m-1');
        (got!.plan as { audiences: string[] }).audiences.push('mutated too');
        expect((await store.get('m-1'))!.plan).toMatchObject({ audiences: ['seg-1'] });
      });

      it('stores instants in canonical UTC form and rejects instants without a zone', async () => {
        await store.create(newMigration('m-1', { at: '2025-03-01T10:00:00+01:00' }));
        expect((await store.get('m-1'))!.createdAt).toBe(T0);
        await expect(store.create(newMigration('m-2', { at: '2025-03-01T10:00:00' }))).rejects.toThrow(RangeError);
        expect(await store.get('m-2')).toBeNull();
      });
    });

    describe('commitTransition', () => {
      beforeEach(async () => {
        await store.create(newMigration('m-1'));
      });

      it('writes snapshot, versions, summary columns and journal rows', async () => {
        const lastError = { code: 'RATE_LIMITED', message: 'slow down', httpStatus: 429, at: at(1), retryable: true };
        await store.commitTransition('m-1', transition({ attempts: 2, lastError, machineVersion: 'm2' }));
        const got = await store.get('m-1');
        expect(got).toMatchObject({
          snapshot: { value: 'staging', context: { n: 1 } },
          machineVersion: 'm2',
          state: 'staging',
          attempts: 2,
          lastError,
          ticketKey: 'MIG-1',
          updatedAt: at(1),
          progressAt: at(1),
        });
        expect((await store.journal('m-1')).map((r) => r.name)).toEqual(['start', 'STAGED']);
      });

      it('moves progressAt only when the transition progressed', async () => {
        await store.commitTransition('m-1', transition({ at: at(1), progressed: true }));
        await store.commitTransition('m-1', transition({ at: at(2), progressed: false, journal: [] }));
        expect(await store.get('m-1')).toMatchObject({ updatedAt: at(2), progressAt: at(1) });
      });

      it('adds and overrides marks, never drops them', async () => {
        const filed = { at: at(1), source: 'jira.created' };
        await store.commitTransition('m-1', transition({ marks: { ticket_filed: filed } }));
        const stopped = { at: at(30), source: 'operator', override: { by: 'ana@host', reason: 'Jira clock skew' } };
        await store.commitTransition('m-1', transition({ at: at(31), marks: { legacy_stopped: stopped } }));
        expect((await store.get('m-1'))!.marks).toEqual({ ticket_filed: filed, legacy_stopped: stopped });
        const moved = { at: at(2), source: 'jira.created' };
        await store.commitTransition('m-1', transition({ at: at(32), marks: { ticket_filed: moved } }));
        expect((await store.get('m-1'))!.marks).toEqual({ ticket_filed: moved, legacy_stopped: stopped });
      });

      it('refuses an operator override without a reason', async () => {
        const marks = { legacy_stopped: { at: at(3), source: 'operator', override: { by: 'ana', reason: ' ' } } };
        await expect(store.commitTransition('m-1', transition({ marks }))).rejects.toThrow();
        expect((await store.get('m-1'))!.marks).toEqual({});
      });

      it('writes nothing when any part cannot be stored', async () => {
        const before = await store.get('m-1');
        const journal = [
          { kind: 'transition' as const, at: at(1), name: 'OK' },
          { kind: 'observation' as const, at: at(1), name: 'BAD', data: { n: 10n } },
        ];
        const marks = { ticket_filed: { at: at(1), source: 'jira.created' } };
        await expect(store.commitTransition('m-1', transition({ journal, marks }))).rejects.toThrow();
        expect(await store.get('m-1')).toEqual(before);
        expect((await store.journal('m-1')).map((r) => r.name)).toEqual(['start']);
      });

      it('refuses an unknown migration', async () => {
        await expect(store.commitTransition('nope', transition())).rejects.toBeInstanceOf(StoreError);
      });
    });

    describe('journal', () => {
      it('appends rows in sequence per migration, keeping optional fields only when set', async () => {
        await store.create(newMigration('a'));
        await store.create(newMigration('b', { journal: [] }));
        await store.appendJournal('b', [{ kind: 'event', at: at(1), name: 'TICK' }]);
        await store.appendJournal('a', [
          { kind: 'operator', at: at(2), name: 'skip', actor: 'bo', reason: 'ok', data: null },
        ]);
        const rows = await store.journal('a');
        expect(rows).toEqual([
          {
            seq: rows[0]!.seq,
            migrationId: 'a',
            kind: 'operator',
            at: T0,
            name: 'start',
            actor: 'ana@host',
            data: { plan: 'p.yaml' },
          },
          {
            seq: rows[1]!.seq,
            migrationId: 'a',
            kind: 'operator',
            at: at(2),
            name: 'skip',
            actor: 'bo',
            reason: 'ok',
            data: null,
          },
        ]);
        expect(rows[1]!.seq).toBeGreaterThan(rows[0]!.seq);
        expect(await store.journal('b')).toEqual([
          { seq: expect.any(Number), migrationId: 'b', kind: 'event', at: at(1), name: 'TICK' },
        ]);
      });

      it('refuses rows for an unknown migration', async () => {
        await expect(store.appendJournal('nope', [{ kind: 'event', at: T0, name: 'X' }])).rejects.toBeInstanceOf(
          StoreError,
        );
      });
    });

    describe('effects', () => {
      beforeEach(async () => {
        await store.create(newMigration('m-1'));
        await store.create(newMigration('m-2'));
      });
      const intent = { migrationId: 'm-1', key: 'm-1:createFlow', step: 'createFlow', fingerprint: 'f1', at: at(1) };

      it('records an intent, then its outcome', async () => {
        await store.recordIntent(intent);
        expect(await store.effects('m-1')).toEqual([
          { ...intent, attempts: 1, outcomeAt: null, status: null, remoteId: null },
        ]);
        await store.recordOutcome({ key: intent.key, status: 'created', remoteId: 'flow-9', at: at(2) });
        expect(await store.effects('m-1')).toEqual([
          { ...intent, attempts: 1, outcomeAt: at(2), status: 'created', remoteId: 'flow-9' },
        ]);
        expect(await store.effects('m-2')).toEqual([]);
      });

      it('counts a retried intent as a new attempt whose outcome is not known yet', async () => {
        await store.recordIntent(intent);
        const error = { code: 'SERVER_ERROR', message: 'boom', at: at(2), retryable: true };
        await store.recordOutcome({ key: intent.key, status: 'failed', remoteId: null, at: at(2), error });
        await store.recordIntent({ ...intent, at: at(3) });
        expect(await store.effects('m-1')).toEqual([
          { ...intent, at: at(3), attempts: 2, outcomeAt: null, status: null, remoteId: null },
        ]);
      });

      it('keeps effects in the order their intents were first recorded', async () => {
        await store.recordIntent({ ...intent, key: 'm-1:b', step: 'b' });
        await store.recordIntent({ ...intent, key: 'm-1:a', step: 'a' });
        await store.recordIntent({ ...intent, key: 'm-1:b', step: 'b' });
        expect((await store.effects('m-1')).map((e) => e.key)).toEqual(['m-1:b', 'm-1:a']);
      });

      it('refuses an outcome without an intent, and an intent for an unknown migration', async () => {
        const outcome = { key: 'm-1:ghost', status: 'created' as const, remoteId: 'x', at: at(1) };
        await expect(store.recordOutcome(outcome)).rejects.toMatchObject({ code: 'STORE_NOT_FOUND' });
        await expect(store.recordIntent({ ...intent, migrationId: 'nope' })).rejects.toBeInstanceOf(StoreError);
      });
    });

    describe('importMigration', () => {
      async function exported() {
        await store.create(newMigration('m-src'));
        await store.commitTransition(
          'm-src',
          transition({ marks: { ticket_filed: { at: at(1), source: 'jira.created' } } }),
        );
        await store.recordIntent({
          migrationId: 'm-src',
          key: 'm-src:ticket',
          step: 'ticket',
          fingerprint: 'f',
          at: at(2),
        });
        await store.recordIntent({
          migrationId: 'm-src',
          key: 'm-src:ticket',
          step: 'ticket',
          fingerprint: 'f',
          at: at(3),
        });
        await store.recordOutcome({ key: 'm-src:ticket', status: 'created', remoteId: 'MIG-1', at: at(4) });
        const record = (await store.get('m-src'))!;
        const journal = (await store.journal('m-src')).map(({ kind, at: when, name }) => ({ kind, at: when, name }));
        return { record, journal, effects: await store.effects('m-src') };
      }

      it('restores the record, marks, journal and effects of another database as they were', async () => {
        const bundle = await exported();
        const other = await open(clock.now);
        await other.importMigration(bundle);
        expect(await other.get('m-src')).toEqual(bundle.record);
        expect((await other.journal('m-src')).map((j) => j.name)).toEqual(bundle.journal.map((j) => j.name));
        expect(await other.effects('m-src')).toEqual(bundle.effects);
        await other.close();
      });

      it('refuses an id that exists, and writes nothing when any part fails', async () => {
        const bundle = await exported();
        await expect(store.importMigration(bundle)).rejects.toBeInstanceOf(StoreError);
        const broken = {
          ...bundle,
          record: { ...bundle.record, id: 'm-new' },
          journal: [{ kind: 'event' as const, at: at(5), name: 'X', data: { n: 1n } }],
        };
        await expect(store.importMigration(broken)).rejects.toThrow();
        expect(await store.get('m-new')).toBeNull();
      });
    });

    describe('operator inbox', () => {
      beforeEach(async () => {
        await store.create(newMigration('m-1'));
        await store.create(newMigration('m-2'));
      });
      const confirm = { type: 'CONFIRM', solution: 'target', by: 'bo@desk', reason: 'checked', at: at(1) };
      const post = (over: { expiresAt?: string; migrationId?: string } = {}) =>
        store.postOperatorEvent({
          migrationId: 'm-1',
          event: confirm,
          postedAt: at(1),
          postedBy: 'bo@desk',
          expiresAt: at(2),
          ...over,
        });
      const accepted = {
        status: 'accepted' as const,
        state: 'handoff',
        migrationStatus: 'active' as const,
        by: 'ana@host:1',
      };

      it('keeps posted events per migration, oldest first, until they are claimed or expire', async () => {
        const first = await post();
        const second = await post({ expiresAt: at(10) });
        await post({ migrationId: 'm-2' });
        expect(second).toBeGreaterThan(first);
        const pending = await store.pendingOperatorEvents('m-1', at(1));
        expect(pending.map((e) => e.seq)).toEqual([first, second]);
        expect(pending[0]).toEqual({
          seq: first,
          migrationId: 'm-1',
          event: confirm,
          postedAt: at(1),
          postedBy: 'bo@desk',
          expiresAt: at(2),
          claimedAt: null,
          claimedBy: null,
          settledAt: null,
          outcome: null,
        });
        expect((await store.pendingOperatorEvents('m-1', at(2))).map((e) => e.seq)).toEqual([second]);
        await expect(post({ migrationId: 'nope' })).rejects.toBeInstanceOf(StoreError);
      });

      it('lets one runner claim a pending event, once, and never an expired one', async () => {
        const seq = await post();
        expect(await store.claimOperatorEvent('m-2', seq, 'ana@host:1', at(1))).toBe(false);
        expect(await store.claimOperatorEvent('m-1', seq, 'ana@host:1', at(1))).toBe(true);
        expect(await store.claimOperatorEvent('m-1', seq, 'cy@host:2', at(1))).toBe(false);
        expect(await store.pendingOperatorEvents('m-1', at(1))).toEqual([]);
        expect(await store.operatorEvent('m-1', seq)).toMatchObject({
          claimedAt: at(1),
          claimedBy: 'ana@host:1',
          settledAt: null,
        });
        const late = await post();
        expect(await store.claimOperatorEvent('m-1', late, 'ana@host:1', at(2))).toBe(false);
      });

      it('withdraws only an event no runner claimed, and a withdrawn event is never claimed', async () => {
        const claimed = await post();
        await store.claimOperatorEvent('m-1', claimed, 'ana@host:1', at(1));
        expect(await store.withdrawOperatorEvent('m-1', claimed, 'gave up', at(2))).toBe(false);
        const unclaimed = await post();
        expect(await store.withdrawOperatorEvent('m-1', unclaimed, 'gave up', at(1))).toBe(true);
        expect(await store.claimOperatorEvent('m-1', unclaimed, 'ana@host:1', at(1))).toBe(false);
        expect(await store.operatorEvent('m-1', unclaimed)).toMatchObject({
          settledAt: at(1),
          outcome: { status: 'withdrawn', why: 'gave up' },
        });
        expect(await store.operatorEvent('m-1', 999)).toBeNull();
      });

      it('settles an event in the transaction of the transition it caused, or not at all', async () => {
        const seq = await post();
        await store.claimOperatorEvent('m-1', seq, 'ana@host:1', at(1));
        const bad = [{ kind: 'event' as const, at: at(1), name: 'BAD', data: { n: 1n } }];
        await expect(
          store.commitTransition('m-1', transition({ journal: bad, settles: [{ seq, at: at(1), outcome: accepted }] })),
        ).rejects.toThrow();
        expect(await store.operatorEvent('m-1', seq)).toMatchObject({ settledAt: null, outcome: null });
        await store.commitTransition(
          'm-1',
          transition({ state: 'handoff', settles: [{ seq, at: at(1), outcome: accepted }] }),
        );
        expect(await store.operatorEvent('m-1', seq)).toMatchObject({ settledAt: at(1), outcome: accepted });
        expect((await store.get('m-1'))!.state).toBe('handoff');
      });

      it('settles a claimed event on its own once; a second settlement changes nothing', async () => {
        const seq = await post();
        await store.claimOperatorEvent('m-1', seq, 'ana@host:1', at(1));
        const refused = {
          ...accepted,
          status: 'refused' as const,
          state: 'completed',
          migrationStatus: 'completed' as const,
        };
        expect(await store.settleOperatorEvent('m-1', { seq, at: at(1), outcome: refused })).toBe(true);
        expect(await store.settleOperatorEvent('m-1', { seq, at: at(2), outcome: accepted })).toBe(false);
        expect(await store.operatorEvent('m-1', seq)).toMatchObject({ settledAt: at(1), outcome: refused });
      });
    });

    leaseContract(() => ({ store, clock }));
    outboxContract(() => ({ store, clock }));
    claimsContract(() => ({ store, clock }));

    describe('leases', () => {
      beforeEach(async () => {
        await store.create(newMigration('m-1'));
      });

      it("grants a free lease stamped by the store's clock and refuses a second holder, saying who holds it", async () => {
        const mine = {
          migrationId: 'm-1',
          nonce: 'n1',
          holder: 'n1@host:1',
          acquiredAt: at(0),
          heartbeatAt: at(0),
          expiresAt: at(5),
        };
        expect(await store.acquireLease(lease('m-1', 'n1', 5))).toEqual({ ok: true, lease: mine });
        clock.set(1);
        expect(await store.acquireLease(lease('m-1', 'n2', 5))).toEqual({ ok: false, heldBy: mine });
        clock.set(2);
        expect(await store.acquireLease(lease('m-1', 'n1', 6))).toMatchObject({ ok: true });
        expect(await store.currentLease('m-1')).toMatchObject({ nonce: 'n1', expiresAt: at(8) });
      });

      it("lets another runner take a lease expired by the store's clock; the old holder's heartbeat then fails", async () => {
        await store.acquireLease(lease('m-1', 'n1', 5));
        clock.set(5);
        expect(await store.acquireLease(lease('m-1', 'n2', 5))).toMatchObject({
          ok: true,
          lease: { nonce: 'n2', expiresAt: at(10) },
        });
        expect(await store.heartbeat('m-1', 'n1', 5 * 60_000)).toBe(false);
      });

      it('does not revive an expired lease on heartbeat', async () => {
        await store.acquireLease(lease('m-1', 'n1', 5));
        clock.set(5);
        expect(await store.heartbeat('m-1', 'n1', 5 * 60_000)).toBe(false);
        expect(await store.currentLease('m-1')).toMatchObject({ expiresAt: at(5) });
      });

      it('takes over only with the current lock id, with its journal row; the old holder then loses its heartbeat', async () => {
        const row = { kind: 'operator' as const, at: at(1), name: 'TAKEOVER', actor: 'n2@host:1' };
        await store.acquireLease(lease('m-1', 'n1', 5));
        clock.set(1);
        expect(await store.takeOverLease('m-1', 'wrong', lease('m-1', 'n2', 10), [row])).toBe(false);
        expect(await store.currentLease('m-1')).toMatchObject({ nonce: 'n1' });
        expect((await store.journal('m-1')).map((j) => j.name)).toEqual(['start']);
        expect(await store.takeOverLease('m-1', 'n1', lease('m-1', 'n2', 10), [row])).toBe(true);
        expect((await store.journal('m-1')).map((j) => j.name)).toEqual(['start', 'TAKEOVER']);
        expect(await store.heartbeat('m-1', 'n1', 5 * 60_000)).toBe(false);
        expect(await store.currentLease('m-1')).toMatchObject({
          nonce: 'n2',
          holder: 'n2@host:1',
          acquiredAt: at(1),
          expiresAt: at(11),
        });
        expect(await store.takeOverLease('m-1', 'n1', lease('m-1', 'n3', 10), [row])).toBe(false);
        expect(await store.takeOverLease('m-2', 'n2', lease('m-2', 'n3', 10), [row])).toBe(false);
        expect(await store.journal('m-1')).toHaveLength(2);
      });

      it('removes a lease by its lock id with its UNLOCK row, in one write', async () => {
        const row = { kind: 'operator' as const, at: at(1), name: 'UNLOCK', actor: 'ana', reason: 'laptop lost' };
        await store.acquireLease(lease('m-1', 'n1', 5));
        expect(await store.takeOverLease('m-1', 'n2', null, [row])).toBe(false);
        expect(await store.takeOverLease('m-1', 'n1', null, [row])).toBe(true);
        expect(await store.currentLease('m-1')).toBeNull();
        expect((await store.journal('m-1')).map((j) => j.name)).toEqual(['start', 'UNLOCK']);
      });

      it("extends on heartbeat by the TTL from the store's now, and releases only for the holder", async () => {
        await store.acquireLease(lease('m-1', 'n1', 5));
        clock.set(4);
        expect(await store.heartbeat('m-1', 'n1', 5 * 60_000)).toBe(true);
        expect(await store.currentLease('m-1')).toMatchObject({ heartbeatAt: at(4), expiresAt: at(9) });
        await store.releaseLease('m-1', 'other');
        expect(await store.currentLease('m-1')).not.toBeNull();
        await store.releaseLease('m-1', 'n1');
        expect(await store.currentLease('m-1')).toBeNull();
        expect(await store.heartbeat('m-1', 'n1', 5 * 60_000)).toBe(false);
      });

      it('refuses a lease on an unknown migration', async () => {
        await expect(store.acquireLease(lease('nope', 'n1', 5))).rejects.toBeInstanceOf(StoreError);
      });
    });
  });
}
