// The real clock. The only place in the product that reads the wall clock or sets timers for waits.
import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../ports.js';

// setTimeout cannot wait longer than 2^31-1 ms; long waits are taken in slices.
const MAX_TIMER_MS = 2_147_483_647;

export const systemClock: Clock = {
  now: () => Date.now(),
  async sleepUntil(at: number, signal?: AbortSignal): Promise<void> {
    for (let left = at - Date.now(); left > 0; left = at - Date.now()) {
      await delay(Math.min(left, MAX_TIMER_MS), undefined, { signal });
    }
    signal?.throwIfAborted();
  },
};
