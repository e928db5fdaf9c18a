// The dispatcher's ports file (lanes, capacities, service times), validated by the dispatcher's schema.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { parsePortsConfig, type PortsConfig } from '@clearway/dispatcher';

export function loadPortsFile(path: string): PortsConfig {
  try {
    return parsePortsConfig(parse(readFileSync(path, 'utf8')));
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`, { cause: error });
  }
}
