// Counts what the store says about leases for the metrics: takeovers this watch made, and writes refused
// because the lease was no longer ours. A view over the store: every call goes through unchanged.
import { FencedError } from '../../errors.js';
import type { MigrationStore } from '../../ports.js';

export interface LeaseEvents {
  leaseTakeover(): void;
  fencedRefusal(): void;
}

export function observedStore(store: MigrationStore, seen: LeaseEvents): MigrationStore {
  return new Proxy(store, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result: unknown = value.apply(target, args);
        if (!(result instanceof Promise)) return result;
        return result.then(
          (v: unknown) => {
            if (key === 'takeOverLease' && v === true && args[2] !== null) seen.leaseTakeover();
            return v;
          },
          (error: unknown) => {
            if (error instanceof FencedError) seen.fencedRefusal();
            throw error;
          },
        );
      };
    },
  });
}
