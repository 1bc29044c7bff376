// Counts as people write them: "1 legacy audience", "2 legacy audiences", "0 audiences".

/** `count(1, 'audience')` is "1 audience"; the plural is the singular plus "s" unless given. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** "all 3 audiences", but "the 1 audience": "all 1 audiences" reads as a bug. */
export function all(n: number, singular: string, plural = `${singular}s`): string {
  return n === 1 ? `the 1 ${singular}` : `all ${n} ${plural}`;
}
