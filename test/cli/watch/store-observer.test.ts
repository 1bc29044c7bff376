// The store view behind the lease metrics: takeovers and fenced refusals are counted, every call goes through.
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src/adapters/memory/store.js';
import { observedStore } from '../../../src/adapters/metrics/store-observer.js';
import { FencedError } from '../../../src/errors.js';
import { lease, newMigration, transition } from '../../sqlite/helpers.js';

describe('observedStore', () => {
  it('counts lease takeovers (not unlocks) and fenced writes refused', async () => {
    const seen = { takeovers: 0, fenced: 0 };
    const store = observedStore(new MemoryStore(), {
      leaseTakeover: () => seen.takeovers++,
      fencedRefusal: () => seen.fenced++,
    });
    await store.create(newMigration('m-1'));
    await store.acquireLease(lease('m-1', 'dead', 60));
    expect(await store.takeOverLease('m-1', 'dead', lease('m-1', 'mine', 60), [])).toBe(true);
    expect(await store.takeOverLease('m-1', 'nope', lease('m-1', 'other', 60), [])).toBe(false);
    expect(await store.takeOverLease('m-1', 'mine', null, [])).toBe(true);
    await expect(store.commitTransition('m-1', transition(), { nonce: 'mine' })).rejects.toBeInstanceOf(FencedError);
    expect(seen).toEqual({ takeovers: 1, fenced: 1 });
    expect((await store.get('m-1'))?.id).toBe('m-1');
  });
});
