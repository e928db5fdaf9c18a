// A declaration's consignor–consignee pair as one string: the key under which the trader history
// keeps the first record that saw the pair, and the in-batch check for a pair seen earlier.
import type { Declaration } from '@clearway/schemas';

export const pairKey = (d: Declaration): string => `${d.consignor.id}|${d.consignee.id}`;
