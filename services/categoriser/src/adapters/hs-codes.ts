// The HS nomenclature as the set of codes the domain checks against (I/O stays in this adapter).
import { loadHsNomenclature } from '@clearway/hs';

let cached: ReadonlySet<string> | undefined;

/** Every chapter (2 digits), heading (4) and subheading (6) of HS 2022. */
export function loadKnownHsCodes(): ReadonlySet<string> {
  cached ??= new Set(loadHsNomenclature().map((e) => e.code));
  return cached;
}
