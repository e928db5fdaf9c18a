import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { parsePortsConfig, type PortsConfig } from '../domain/ports-config.ts';

/** Reads and validates the ports YAML; the error names the file and every bad entry. */
export function loadPortsConfig(path: string): PortsConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ports configuration ${path}: ${(error as Error).message}`);
  }
  try {
    return parsePortsConfig(parse(text));
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`);
  }
}
