// The store as one runner sees it while it drives: every write it makes carries its lease nonce, so that the
// store refuses it, in the write's own transaction, once the lease is someone else's. After the first refusal
// the view refuses every later write itself, without asking the store: a fenced runner writes nothing more. The
// same after a write lost with the server (STORE_UNREACHABLE): the drive ends with that error, writing nothing.
import { FencedError, StoreError } from '../errors.js';
import type { Fence, MigrationStore } from '../ports.js';

export interface FencedStore {
  store: MigrationStore;
  /** The refusal that fenced this runner off, once there was one. */
  refused(): FencedError | null;
}

type FencedMethod =
  | 'commitTransition'
  | 'appendJournal'
  | 'recordIntent'
  | 'recordOutcome'
  | 'claimOperatorEvent'
  | 'settleOperatorEvent';

// How many arguments each write takes before its fence.
const FENCED: Record<FencedMethod, number> = {
  commitTransition: 2,
  appendJournal: 2,
  recordIntent: 1,
  recordOutcome: 1,
  claimOperatorEvent: 4,
  settleOperatorEvent: 2,
};

export function fencedStore(inner: MigrationStore, nonce: string, onRefused: (err: FencedError) => void): FencedStore {
  const fence: Fence = { nonce };
  let refusal: FencedError | null = null;
  let unreachable: StoreError | null = null;
  const guarded =
    (name: FencedMethod) =>
    async (...args: unknown[]) => {
      if (refusal) throw refusal;
      if (unreachable) throw unreachable;
      const write = inner[name] as (...a: unknown[]) => Promise<unknown>;
      try {
        return await write.apply(inner, [...args.slice(0, FENCED[name]), fence]);
      } catch (err) {
        if (err instanceof FencedError && !refusal) {
          refusal = err;
          onRefused(err);
        }
        // A write lost with the server (it may or may not have committed): the drive's picture of the record is
        // now unknown, so it writes nothing more (not even the failure it would make of it) and ends with this
        // error; the next drive carries on from what was committed.
        if (err instanceof StoreError && err.code === 'STORE_UNREACHABLE') unreachable ??= err;
        throw err;
      }
    };
  const store = new Proxy(inner, {
    get(target, prop) {
      if (typeof prop === 'string' && prop in FENCED) return guarded(prop as FencedMethod);
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store, refused: () => refusal };
}
