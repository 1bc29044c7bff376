// Counts as people write them: "1 legacy audience", "2 legacy audiences", "0 audiences".

/** `count(1, 'audience')` is "1 audience"; the plural is the singular plus "s" unless given. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
