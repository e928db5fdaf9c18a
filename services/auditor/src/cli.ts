// `clearway audit`: replay and verify a window, trace one declaration, backtest a candidate ruleset.
//   node services/auditor/src/cli.ts replay --from 2026-11-01T00:00Z --to 2026-11-02T00:00Z [--port KHORGOS]
//        [--grace-minutes 120] [--workers N] [--json out.json] [--csv out.csv] [--html out.html]
//   node services/auditor/src/cli.ts trace <declarationId> [--from …] [--to …] [--json out.json]
//   node services/auditor/src/cli.ts ruleset [<version>] [--out ruleset.json]
//   node services/auditor/src/cli.ts backtest --ruleset candidate.yaml --from … --to … [--port …]
//        [--ports ports.yaml] [--json …] [--csv …] [--html …]
// Exit codes: 0 clean, 1 replay found differences, gaps, unverifiable or corrupt records (ruleset: a
// version not found or not trusted), 2 usage, 78 config.
import '@clearway/config/node-runtime';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { loadConfigOrExit } from '@clearway/config';
import { loadTopicCatalogue, prefixedCatalogue, topicNames } from '@clearway/infra';
import { createAvroSerde, createKafka, createSchemaRegistry } from '@clearway/kafka';
import { createLogger } from '@clearway/observability';
import { auditorConfig } from './config.ts';
import {
  defaultReplayWorkers,
  runBacktest,
  runReplay,
  runRulesets,
  runTrace,
  type AuditClients,
} from './commands.ts';
import { laneThroughputs, portsFileSchema, type LaneThroughput } from './domain/lane-capacity.ts';
import { renderBacktestCsv, renderReplayCsv } from './domain/render-csv.ts';
import { renderBacktestHtml, renderReplayHtml } from './domain/render-html.ts';
import { renderBacktestText, renderReplayText, renderTraceText } from './domain/render-text.ts';
import { findVersion, renderVersions } from './domain/ruleset-versions.ts';
import { createProgress } from './adapters/progress.ts';
import { loadCandidateRuleset } from './adapters/ruleset-file.ts';

const usage = `usage:
  cli.ts replay   --from <time> --to <time> [--port CODE] [--grace-minutes N] [--workers N]
                  [--json F] [--csv F] [--html F]
  cli.ts trace    <declarationId> [--from <time>] [--to <time>] [--json F]
  cli.ts ruleset  [<version>] [--out F]    the published ruleset versions, or one version's rules
  cli.ts backtest --ruleset <ruleset.yaml> --from <time> --to <time> [--port CODE] [--ports ports.yaml]
                  [--grace-minutes N] [--json F] [--csv F] [--html F]
times are ISO 8601, e.g. 2026-11-01T00:00Z; --workers: replay threads besides the reader (0: none),
default ${defaultReplayWorkers()}`;

class UsageError extends Error {}

const time = (name: string, value: string | undefined): number => {
  if (value === undefined) throw new UsageError(`--${name} is required`);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new UsageError(`--${name} ${value} is not an ISO 8601 time`);
  return ms;
};

const { positionals, values } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        port: { type: 'string' },
        'grace-minutes': { type: 'string' },
        workers: { type: 'string' },
        json: { type: 'string' },
        csv: { type: 'string' },
        html: { type: 'string' },
        ruleset: { type: 'string' },
        ports: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean' },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
})();

const commands = ['replay', 'trace', 'ruleset', 'backtest'] as const;
type Command = (typeof commands)[number];
const [given, ...rest] = positionals;
if (values.help || !commands.includes(given as Command)) {
  console.error(usage);
  process.exit(values.help ? 0 : 2);
}
const command = given as Command;

const config = loadConfigOrExit(auditorConfig, 'clearway audit');
const logger = createLogger('auditor', config.LOG_LEVEL);

const catalogue = prefixedCatalogue(loadTopicCatalogue(), config.TOPIC_PREFIX);

function clients(): AuditClients {
  return {
    kafka: createKafka(config, logger, 'clearway-auditor'),
    serde: createAvroSerde(createSchemaRegistry(config), catalogue),
    topics: topicNames(config.TOPIC_PREFIX),
    catalogue,
  };
}

function workers(): number {
  const parsed = z.coerce
    .number()
    .int()
    .min(0)
    .safeParse(values.workers ?? String(defaultReplayWorkers()));
  if (!parsed.success) throw new UsageError('--workers must be a whole number, 0 or more');
  return parsed.data;
}

function window() {
  const from = time('from', values.from);
  const to = time('to', values.to);
  if (to <= from) throw new UsageError('--to must be after --from');
  const grace = z.coerce
    .number()
    .min(0)
    .safeParse(values['grace-minutes'] ?? '120');
  if (!grace.success) throw new UsageError('--grace-minutes must be a number of minutes');
  return {
    window: { from, to },
    graceMs: grace.data * 60_000,
    ...(values.port ? { port: values.port } : {}),
  };
}

function write(path: string | undefined, content: () => string, what: string): void {
  if (path === undefined) return;
  writeFileSync(path, content());
  console.log(`${what} written to ${path}`);
}

function lanes(): LaneThroughput[] | undefined {
  const file = values.ports ?? config.PORTS_FILE;
  if (!existsSync(file)) {
    if (values.ports) throw new UsageError(`--ports ${file} does not exist`);
    console.log('no ports file: inspection load is reported per level and hour, without lane capacity');
    return undefined;
  }
  const parsed = portsFileSchema.safeParse(parseYaml(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw new UsageError(
      `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return laneThroughputs(parsed.data);
}

async function main(): Promise<number> {
  switch (command) {
    case 'replay': {
      const options = window();
      const progress = createProgress('replay');
      const report = await runReplay(clients(), {
        ...options,
        workers: workers(),
        onProgress: progress.update,
      });
      progress.done();
      console.log(renderReplayText(report));
      write(values.json, () => JSON.stringify(report, null, 2), 'JSON report');
      write(values.csv, () => renderReplayCsv(report), 'CSV report');
      write(values.html, () => renderReplayHtml(report), 'HTML report');
      const findings =
        report.differences.length + report.gaps.length + report.unverifiable.length + report.corrupt.length;
      return findings === 0 ? 0 : 1;
    }
    case 'trace': {
      const [declarationId] = rest;
      if (!declarationId) throw new UsageError('trace needs a declaration id');
      const bounded = values.from !== undefined || values.to !== undefined;
      const progress = createProgress('trace');
      const report = await runTrace(
        clients(),
        declarationId,
        bounded
          ? {
              from: values.from ? time('from', values.from) : 0,
              to: values.to ? time('to', values.to) : Date.now(),
            }
          : null,
        progress.update,
      );
      progress.done();
      console.log(renderTraceText(report));
      for (const c of report.corrupt)
        console.log(`corrupt record ${c.topic}[${c.partition}]@${c.offset}: ${c.reason}`);
      write(values.json, () => JSON.stringify(report, null, 2), 'JSON report');
      return report.found ? 0 : 1;
    }
    case 'ruleset': {
      const [query] = rest;
      if (query === undefined && values.out !== undefined) throw new UsageError('--out needs a version');
      const { versions, content, corrupt } = await runRulesets(clients());
      for (const c of corrupt)
        console.log(`corrupt record ${c.topic}[${c.partition}]@${c.offset}: ${c.reason}`);
      if (query === undefined) {
        console.log(renderVersions(versions));
        return corrupt.length === 0 && versions.every((v) => v.problem === null) ? 0 : 1;
      }
      const found = findVersion(
        versions.map((v) => v.version),
        query,
      );
      if ('error' in found) {
        console.error(found.error);
        return 1;
      }
      const v = versions.find((x) => x.version === found.version)!;
      if (v.problem !== null) {
        console.error(`ruleset ${v.version} cannot be trusted: ${v.problem}`);
        return 1;
      }
      // The published canonical JSON, indented for reading; the rules CLI reads it as it reads YAML
      // and gives it the same version.
      const text = `${JSON.stringify(JSON.parse(content(v.version)!), null, 2)}\n`;
      if (values.out === undefined) process.stdout.write(text);
      else
        write(
          values.out,
          () => text,
          `ruleset ${v.version} (${v.name}, published ${new Date(v.publishedAt).toISOString()}, verified)`,
        );
      return 0;
    }
    case 'backtest': {
      if (!values.ruleset) throw new UsageError('--ruleset is required');
      const { ruleset, warnings } = loadCandidateRuleset(values.ruleset);
      for (const w of warnings) console.log(`warning: ${w}`);
      const options = window();
      const progress = createProgress('backtest');
      const report = await runBacktest(clients(), ruleset, lanes(), {
        ...options,
        onProgress: progress.update,
      });
      progress.done();
      console.log(renderBacktestText(report));
      for (const c of report.corrupt)
        console.log(`corrupt record ${c.topic}[${c.partition}]@${c.offset}: ${c.reason}`);
      write(values.json, () => JSON.stringify(report, null, 2), 'JSON report');
      write(values.csv, () => renderBacktestCsv(report), 'CSV report');
      write(values.html, () => renderBacktestHtml(report), 'HTML report');
      return 0;
    }
  }
}

try {
  process.exit(await main());
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n${usage}`);
    process.exit(2);
  }
  console.error(`clearway audit: ${(error as Error).message}`);
  process.exit(1);
}
