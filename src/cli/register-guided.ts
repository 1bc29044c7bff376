// Commands of the guided migration: start, plan, doctor, demo, emulator.
import type { Add } from './program.js';

export function registerGuided(_add: Add): void {}
