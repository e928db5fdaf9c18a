import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One entry of the Harmonized System 2022 nomenclature (chapter, heading or subheading). */
export interface HsEntry {
  section: string;
  code: string;
  description: string;
  parent: string;
  level: 2 | 4 | 6;
}

/** Path of the bundled HS 2022 CSV (public domain; see libs/hs/data/README.md). */
export const hsCsvPath = join(import.meta.dirname, '..', 'data', 'harmonized-system.csv');

function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

/**
 * Reads the HS nomenclature: every chapter (2 digits), heading (4) and subheading (6). The data set's
 * TOTAL section (99 / 9999 / 999999, "commodities not specified according to kind") is a UN Comtrade
 * reporting code, not part of the WCO nomenclature, so no declaration may use it and it is left out.
 */
export function loadHsNomenclature(path = hsCsvPath): HsEntry[] {
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  return lines
    .slice(1)
    .map((line) => {
      const [section = '', code = '', description = '', parent = '', level = ''] = parseCsvLine(line);
      return { section, code, description, parent, level: Number(level) as 2 | 4 | 6 };
    })
    .filter((entry) => entry.section !== 'TOTAL');
}
