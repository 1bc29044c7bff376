// Commands of downtime reports: report.
import type { Add } from './program.js';

export function registerReporting(_add: Add): void {}
