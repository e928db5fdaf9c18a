// Loads a ruleset YAML and the managed-list files it references, and reports problems as
// "file:line: path: message" so an analyst can jump to the bad entry.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import {
  compileRuleset,
  parseRulesetCases,
  RulesetError,
  type CompiledRuleset,
  type RulesetCases,
  type RulesetPath,
  type RulesetProblem,
} from '../domain/index.ts';
import { loadKnownHsCodes } from './hs-codes.ts';

interface ParsedYaml {
  file: string;
  doc: Document;
  lines: LineCounter;
  value: unknown;
}

/** Each file read and its text (null: unreadable), exactly as it was parsed. */
export type RulesetSources = Map<string, string | null>;

function readYaml(file: string, sources?: RulesetSources): ParsedYaml {
  const lines = new LineCounter();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
    sources?.set(file, text);
  } catch (e) {
    sources?.set(file, null);
    throw new RulesetError(
      [{ path: [], message: `cannot read: ${e instanceof Error ? e.message : String(e)}` }],
      file,
    );
  }
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, merge: true });
  if (doc.errors.length > 0)
    throw new RulesetError(
      doc.errors.map((e) => ({ path: [], message: `YAML: ${e.message}` })),
      file,
    );
  return { file, doc, lines, value: doc.toJS() as unknown };
}

/** "file:line" of the node at path, or of its nearest existing ancestor. */
function locate(y: ParsedYaml, path: RulesetPath): string {
  for (let n = path.length; n >= 0; n--) {
    const node = y.doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node?.range !== undefined) return `${y.file}:${y.lines.linePos(node.range[0]).line}`;
  }
  return y.file;
}

function relocate(
  problems: readonly RulesetProblem[],
  main: ParsedYaml,
  listFiles: ReadonlyMap<string, ParsedYaml>,
): RulesetError {
  const byFile = new Map<string, RulesetProblem[]>();
  const add = (where: string, p: RulesetProblem): void => {
    byFile.set(where, [...(byFile.get(where) ?? []), p]);
  };
  for (const p of problems) {
    const [first, listName, ...rest] = p.path;
    const listFile = first === 'lists' && typeof listName === 'string' ? listFiles.get(listName) : undefined;
    if (listFile !== undefined) add(locate(listFile, rest), { path: rest, message: p.message });
    else add(locate(main, p.path), p);
  }
  const entries = [...byFile.entries()];
  const all = entries.flatMap(([where, ps]) => ps.map((p) => ({ ...p, where })));
  const error = new RulesetError(
    all.map(({ path, message }) => ({ path, message })),
    main.file,
  );
  error.message = all.map((p) => `${p.where}: ${new RulesetError([p]).message}`).join('\n');
  return error;
}

/**
 * Reads the ruleset and its list files, and compiles it against the HS nomenclature. `sources`, when
 * given, receives every file read with the text that was compiled (also when the load fails).
 */
export function loadRulesetFile(
  path: string,
  sources?: RulesetSources,
): { ruleset: CompiledRuleset; warnings: string[] } {
  const main = readYaml(resolve(path), sources);
  const source = main.value;
  const listFiles = new Map<string, ParsedYaml>();
  if (
    typeof source === 'object' &&
    source !== null &&
    'lists' in source &&
    typeof source.lists === 'object' &&
    source.lists !== null
  ) {
    const lists = source.lists as Record<string, unknown>;
    for (const [name, ref] of Object.entries(lists)) {
      if (typeof ref !== 'object' || ref === null || !('file' in ref) || Object.keys(ref).length !== 1)
        continue;
      if (typeof ref.file !== 'string')
        throw relocate(
          [{ path: ['lists', name, 'file'], message: 'file is a relative path' }],
          main,
          listFiles,
        );
      const listYaml = readYaml(resolve(dirname(main.file), ref.file), sources);
      listFiles.set(name, listYaml);
      lists[name] = listYaml.value;
    }
  }
  try {
    return compileRuleset(source, { knownHsCodes: loadKnownHsCodes() });
  } catch (e) {
    if (e instanceof RulesetError) throw relocate(e.problems, main, listFiles);
    throw e;
  }
}

/** Reads a cases file; problems name the file and line. */
export function loadCasesFile(path: string): RulesetCases {
  const y = readYaml(resolve(path));
  try {
    return parseRulesetCases(y.value);
  } catch (e) {
    if (e instanceof RulesetError) throw relocate(e.problems, y, new Map());
    throw e;
  }
}

/** Reads a JSON file (declaration or trader history for the CLI). */
export function readJsonFile(path: string): unknown {
  return JSON.parse(readFileSync(resolve(path), 'utf8')) as unknown;
}
