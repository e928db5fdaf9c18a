// The ruleset versions on the rulesets topic, as an auditor asks for them: by the version an
// assessment names, written in full or shortened the way the CLIs print it.

export interface PublishedVersion {
  version: string;
  name: string;
  publishedAt: number;
  /** null: its content hashes to its name and compiles; otherwise why it cannot be trusted. */
  problem: string | null;
}

/**
 * The one version `query` names: the full version ("sha256:<hex>"), or a prefix of it with or
 * without "sha256:" (at least 8 hex digits, so a typo does not pick a version by chance).
 */
export function findVersion(
  versions: readonly string[],
  query: string,
): { version: string } | { error: string } {
  const wanted = query.trim().toLowerCase();
  const exact = versions.find((v) => v === wanted);
  if (exact) return { version: exact };
  const hex = wanted.startsWith('sha256:') ? wanted.slice('sha256:'.length) : wanted;
  if (!/^[0-9a-f]{8,64}$/.test(hex))
    return {
      error: `"${query}" is not a ruleset version: give sha256:<hex>, or at least its first 8 hex digits`,
    };
  const matches = [...new Set(versions)].filter((v) => v.startsWith(`sha256:${hex}`));
  if (matches.length === 1) return { version: matches[0]! };
  if (matches.length === 0)
    return { error: `no ruleset version ${query} on the rulesets topic (${versions.length} published)` };
  return { error: `${query} matches ${matches.length} versions: ${matches.join(', ')}; give more digits` };
}

/** One line per version, oldest first, with whether its content can be trusted. */
export function renderVersions(versions: readonly PublishedVersion[]): string {
  if (versions.length === 0) return 'no ruleset version on the rulesets topic';
  const lines = versions.map(
    (v) =>
      `${v.version}  ${v.name}  published ${new Date(v.publishedAt).toISOString()}  ${v.problem === null ? 'verified' : `NOT TRUSTED: ${v.problem}`}`,
  );
  const bad = versions.filter((v) => v.problem !== null).length;
  lines.push(
    `${versions.length} version${versions.length === 1 ? '' : 's'}` +
      (bad === 0 ? ', each hashing to its name' : `, ${bad} NOT TRUSTED`),
  );
  return lines.join('\n');
}
