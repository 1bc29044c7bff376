// The fleet driver: watch (with its optional Jira webhook receiver).
import type { Add } from './program.js';

export function registerWatch(_add: Add): void {}
