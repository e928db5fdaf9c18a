import { findVersion, renderVersions } from './ruleset-versions.ts';

const a = `sha256:79559810${'a'.repeat(56)}`;
const b = `sha256:79559810${'b'.repeat(56)}`;
const c = `sha256:12ab34cd${'2'.repeat(56)}`;

describe('findVersion', () => {
  test('the full version, or a unique prefix with or without sha256:', () => {
    expect(findVersion([a, b, c], a)).toEqual({ version: a });
    expect(findVersion([a, b, c], '12ab34cd')).toEqual({ version: c });
    expect(findVersion([a, b, c], 'SHA256:12AB34CD2')).toEqual({ version: c });
    expect(findVersion([a, b, c], '79559810a')).toEqual({ version: a });
  });

  test('an ambiguous prefix names the candidates', () => {
    const found = findVersion([a, b, c], 'sha256:79559810');
    expect(found).toEqual({ error: expect.stringContaining('matches 2 versions') as unknown });
  });

  test('too short, not hex, or not published: an error, never a guess', () => {
    expect(findVersion([a, b, c], '795598')).toEqual({
      error: expect.stringContaining('at least its first 8') as unknown,
    });
    expect(findVersion([a, b, c], 'khorgos-road')).toEqual({
      error: expect.stringContaining('not a ruleset version') as unknown,
    });
    expect(findVersion([a, b, c], 'deadbeef')).toEqual({
      error: expect.stringContaining('no ruleset version deadbeef') as unknown,
    });
  });
});

describe('renderVersions', () => {
  test('says which versions cannot be trusted and why', () => {
    const text = renderVersions([
      { version: a, name: 'khorgos-road', publishedAt: Date.UTC(2026, 10, 28, 10), problem: null },
      {
        version: b,
        name: 'khorgos-road',
        publishedAt: Date.UTC(2026, 10, 28, 11),
        problem: 'it was altered',
      },
    ]);
    expect(text).toContain(`${a}  khorgos-road  published 2026-11-28T10:00:00.000Z  verified`);
    expect(text).toContain(
      `${b}  khorgos-road  published 2026-11-28T11:00:00.000Z  NOT TRUSTED: it was altered`,
    );
    expect(text).toContain('2 versions, 1 NOT TRUSTED');
    expect(renderVersions([])).toBe('no ruleset version on the rulesets topic');
  });
});
