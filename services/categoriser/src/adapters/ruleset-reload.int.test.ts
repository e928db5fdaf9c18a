// The ruleset watcher against real files (no broker needed): a poll compiles only after an edit to
// the ruleset or to one of its list files, and a broken edit is logged once and then fixed.
import { jest } from '@jest/globals';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActiveRuleset } from '../handlers/on-declarations.ts';
import type { RulesetSources } from './ruleset-files.ts';
import { loadActiveRuleset, watchRuleset } from './ruleset-reload.ts';

const rulesetDir = join(import.meta.dirname, '..', '..', 'rulesets', 'khorgos');
const POLL_MS = 100;

describe('watching the ruleset files', () => {
  let dir: string;
  beforeEach(() => {
    jest.useFakeTimers();
    dir = mkdtempSync(join(tmpdir(), 'ruleset-watch-'));
    cpSync(rulesetDir, dir, { recursive: true });
  });
  afterEach(() => {
    jest.useRealTimers();
    rmSync(dir, { recursive: true, force: true });
  });

  it('compiles only after an edit, logs a broken edit once, and takes the fix', () => {
    const file = join(dir, 'ruleset.yaml');
    const list = join(dir, 'lists', 'watchlist-traders.yaml');
    let active: ActiveRuleset = loadActiveRuleset(file);
    const original = active.compiled.version;
    let loads = 0;
    const infos: string[] = [];
    const errors: string[] = [];
    const stop = watchRuleset({
      path: file,
      pollMs: POLL_MS,
      logger: { info: (_d, message) => infos.push(message), error: (_d, message) => errors.push(message) },
      onChange: (next) => (active = next),
      current: () => active,
      load: (path, sources) => {
        loads++;
        return loadActiveRuleset(path, sources);
      },
    });
    const polls = (n: number) => jest.advanceTimersByTime(POLL_MS * n);

    // Given untouched files, polls after the first one compile nothing.
    polls(5);
    expect(loads).toBe(1);
    expect(active.compiled.version).toBe(original);

    // When only a list file changes, the next poll compiles a new version.
    const listText = readFileSync(list, 'utf8');
    writeFileSync(list, `${listText}  - KZ-BIN-123456789012\n`);
    polls(1);
    expect(loads).toBe(2);
    const edited = active.compiled.version;
    expect(edited).not.toBe(original);
    expect(infos).toEqual(['new ruleset version in force']);
    polls(3);
    expect(loads).toBe(2);

    // A broken edit is rejected once, and the version in force stays.
    writeFileSync(list, 'kind: traders\nitems: [unclosed\n');
    polls(4);
    expect(loads).toBe(3);
    expect(errors).toEqual(['ruleset change rejected; previous version stays in force']);
    expect(active.compiled.version).toBe(edited);

    // Fixing it brings the original list, and version, back.
    writeFileSync(list, listText);
    polls(1);
    expect(loads).toBe(4);
    expect(active.compiled.version).toBe(original);
    stop();
  });

  it('does not compile again the version it was given with the texts it was compiled from', () => {
    const file = join(dir, 'ruleset.yaml');
    const loaded: RulesetSources = new Map();
    let active: ActiveRuleset = loadActiveRuleset(file, loaded);
    const original = active.compiled.version;
    let loads = 0;
    const stop = watchRuleset({
      path: file,
      pollMs: POLL_MS,
      loaded,
      logger: { info: () => undefined, error: () => undefined },
      onChange: (next) => (active = next),
      current: () => active,
      load: (path, sources) => {
        loads++;
        return loadActiveRuleset(path, sources);
      },
    });
    // The start-up load recorded the ruleset file and every list file.
    expect(loaded.size).toBeGreaterThan(1);
    jest.advanceTimersByTime(POLL_MS * 5);
    expect(loads).toBe(0);

    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(/weight: (\d+)/, (_m, w: string) => `weight: ${Number(w) + 1}`),
    );
    jest.advanceTimersByTime(POLL_MS);
    expect(loads).toBe(1);
    expect(active.compiled.version).not.toBe(original);
    stop();
  });
});
