// Commands of support-engineer operations: confirm, skip, set-resolution, cancel, unlock, watch, export, import.
import type { Add } from './program.js';

export function registerSupport(_add: Add): void {}
