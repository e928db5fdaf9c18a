// The audit commands as an auditor runs them (the CLI as a child process) against the real broker
// and registry: the real categoriser decides, this test plays the dispatcher and the lanes, then
// tampers with the history and checks that replay finds exactly the tampering.
import { execFile } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '@clearway/infra';
import type {
  ClearanceOutcome,
  Declaration,
  InspectionResult,
  LaneAssignment,
  RiskAssessment,
} from '@clearway/schemas';
import { createTestPlatform, readTopic, startService, type TestPlatform } from '@clearway/test';
import { generateDeclarations } from '@clearway/categoriser';
import type { BacktestReport } from './domain/backtest.ts';
import { where, type RecordLocation } from './domain/audit-records.ts';
import type { ReplayReport } from './domain/replay.ts';
import type { TraceReport } from './domain/trace.ts';

const run = promisify(execFile);
const node = join(repoRoot, 'node_modules', '.bin', 'node');
const cli = join(import.meta.dirname, 'cli.ts');
const rulesetDir = join(repoRoot, 'services', 'categoriser', 'rulesets', 'khorgos');

describe('clearway audit against the real stack', () => {
  let platform: TestPlatform;
  let assessments: RiskAssessment[];
  const out = mkdtempSync(join(tmpdir(), 'audit-'));
  const from = new Date(Date.now() - 60_000).toISOString();
  const to = () => new Date(Date.now() + 60_000).toISOString();

  const audit = async (args: string[]): Promise<{ code: number; stdout: string }> => {
    try {
      const { stdout } = await run(node, [cli, ...args], {
        env: { PATH: process.env['PATH'] ?? '', ...platform.env, LOG_LEVEL: 'error' },
        maxBuffer: 64 * 1024 * 1024,
      });
      return { code: 0, stdout };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      if (typeof e.code !== 'number') throw error;
      return { code: e.code, stdout: `${e.stdout ?? ''}${e.stderr ?? ''}` };
    }
  };
  const replay = async (name: string): Promise<{ code: number; report: ReplayReport; stdout: string }> => {
    const file = join(out, `${name}.json`);
    const { code, stdout } = await audit(['replay', '--from', from, '--to', to(), '--json', file]);
    return { code, stdout, report: JSON.parse(readFileSync(file, 'utf8')) as ReplayReport };
  };
  const send = async (
    topic: string,
    messages: { key: string; value: unknown }[] | { key: string; raw: Buffer }[],
  ) => {
    const producer = platform.kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: messages.map((m) => ({
        key: m.key,
        value: 'raw' in m ? m.raw : platform.serde.encode(topic, m.value),
      })),
    });
    await producer.disconnect();
  };
  const assignmentFor = (a: RiskAssessment, n: number): LaneAssignment => ({
    assignmentId: `AS-${a.declarationId}-${n}`,
    kind: 'ASSIGNED',
    declarationId: a.declarationId,
    amendment: a.amendment,
    assessmentId: a.assessmentId,
    port: a.port,
    laneId: 'KGS-PHY-1',
    previousLaneId: null,
    plate: '777ABC02',
    freightClass: a.freightClass,
    inspectionLevel: a.inspectionLevel,
    queuePosition: 1,
    expectedStartAt: a.assessedAt + 60_000,
    bookingId: null,
    plannedSlot: null,
    reason: 'capable lane with the shortest expected wait',
    assignedAt: a.assessedAt + 1_000,
  });
  const resultFor = (a: RiskAssessment, outcome: InspectionResult['outcome']): InspectionResult => ({
    resultId: `RS-${a.declarationId}`,
    assignmentId: `AS-${a.declarationId}-1`,
    declarationId: a.declarationId,
    amendment: a.amendment,
    port: a.port,
    laneId: 'KGS-PHY-1',
    outcome,
    findings:
      outcome === 'NO_FINDINGS' ? [] : [{ code: 'UNDERVALUED', description: 'value too low', lineNo: 1 }],
    inspector: 'insp-7',
    startedAt: a.assessedAt + 60_000,
    completedAt: a.assessedAt + 600_000,
  });
  const outcomeFor = (a: RiskAssessment): ClearanceOutcome => ({
    outcomeId: `OC-${a.declarationId}`,
    declarationId: a.declarationId,
    amendment: a.amendment,
    assessmentId: a.assessmentId,
    port: a.port,
    decision: 'RELEASED',
    final: true,
    reason: 'inspection complete',
    rulesetVersion: a.rulesetVersion,
    freightClass: a.freightClass,
    inspectionLevel: a.inspectionLevel,
    laneId: 'KGS-PHY-1',
    assignmentId: `AS-${a.declarationId}-1`,
    resultId: `RS-${a.declarationId}`,
    submittedAt: a.submittedAt,
    decidedAt: a.assessedAt + 700_000,
  });

  beforeAll(async () => {
    platform = await createTestPlatform('auditor');
    const declarations: Declaration[] = generateDeclarations(300, 31)
      .map((x) => x.declaration)
      .filter((d) => d.amendment === 0)
      .map((d, i) => ({ ...d, declarationId: `AUD-${i}` }));
    await send(
      platform.topics.declarations,
      declarations.map((d) => ({ key: d.declarationId, value: d })),
    );
    const categoriser = startService('categoriser', {
      ...platform.env,
      REDIS_KEY_PREFIX: platform.prefix,
      RULESET_POLL_MS: '0',
    });
    const read = await readTopic<RiskAssessment>(
      platform.kafka,
      platform.serde,
      platform.topics.riskAssessments,
      {
        count: declarations.length,
        timeoutMs: 120_000,
      },
    );
    await categoriser.kill();
    assessments = read.map((r) => r.value).sort((x, y) => x.declarationId.localeCompare(y.declarationId));
    expect(assessments).toHaveLength(declarations.length);

    // The dispatcher's and lanes' part for two declarations: assigned, inspected, released.
    const [a, b] = assessments;
    await send(
      platform.topics.laneAssignments,
      [a!, b!].map((x) => ({ key: x.declarationId, value: assignmentFor(x, 1) })),
    );
    await send(platform.topics.inspectionResults, [
      { key: a!.declarationId, value: resultFor(a!, 'DISCREPANCY') },
      { key: b!.declarationId, value: resultFor(b!, 'NO_FINDINGS') },
    ]);
    await send(
      platform.topics.clearanceOutcomes,
      [a!, b!].map((x) => ({ key: x.declarationId, value: outcomeFor(x) })),
    );
  }, 240_000);
  afterAll(async () => {
    await platform.close();
  });

  it('verifies an untouched history with zero differences and no gaps', async () => {
    const { code, report, stdout } = await replay('clean');
    expect(stdout).toContain('zero differences');
    expect(code).toBe(0);
    expect(report.counts.declarations).toBe(assessments.length);
    expect(report.counts.verified).toBe(assessments.length);
    expect(report.differences).toEqual([]);
    expect(report.gaps).toEqual([]);
    expect(report.unverifiable).toEqual([]);
    expect(report.rulesetVersions.map((v) => v.version)).toEqual([assessments[0]!.rulesetVersion]);
  });

  it('finds exactly the tampering: a forged level and a missing outcome', async () => {
    const forgedOf = assessments[10]!;
    const forged: RiskAssessment = {
      ...forgedOf,
      inspectionLevel: forgedOf.inspectionLevel === 'RELEASE' ? 'PHYSICAL' : 'RELEASE',
    };
    await send(platform.topics.riskAssessments, [{ key: forged.declarationId, value: forged }]);
    // An assignment whose outcome was "deleted": it never reaches the outcomes topic.
    const lost = assessments[2]!;
    await send(platform.topics.laneAssignments, [{ key: lost.declarationId, value: assignmentFor(lost, 1) }]);

    const { code, report } = await replay('tampered');
    expect(code).toBe(1);
    expect(report.differences).toHaveLength(1);
    expect(report.differences[0]).toMatchObject({
      assessmentId: forged.assessmentId,
      differences: [
        { field: 'inspectionLevel', recorded: forged.inspectionLevel, recomputed: forgedOf.inspectionLevel },
      ],
      at: { topic: platform.topics.riskAssessments },
    });
    expect(report.gaps.map((g) => [g.kind, g.declarationId])).toEqual([
      ['ASSIGNMENT_WITHOUT_OUTCOME', lost.declarationId],
    ]);
    expect(report.duplicates.map((d) => [d.kind, d.declarationId])).toEqual([
      ['ASSESSMENT', forged.declarationId],
    ]);
    expect(report.counts.verified).toBe(assessments.length);
  });

  it('reports unknown ruleset versions, corrupt records and every kind of gap without crashing', async () => {
    const base = assessments[20]!;
    await send(platform.topics.riskAssessments, [
      { key: base.declarationId, value: { ...base, rulesetVersion: 'sha256:0000unknown' } },
      { key: 'GHOST-A', value: { ...base, declarationId: 'GHOST-A', assessmentId: 'GHOST-A:0' } },
    ]);
    await send(platform.topics.clearanceOutcomes, [
      { key: 'GHOST-O', value: { ...outcomeFor(base), declarationId: 'GHOST-O', assessmentId: 'GHOST-O:0' } },
    ]);
    const unassessed = {
      ...generateDeclarations(1, 5)[0]!.declaration,
      declarationId: 'NEVER-ASSESSED',
      amendment: 0,
    };
    await send(platform.topics.declarations, [{ key: unassessed.declarationId, value: unassessed }]);
    await send(platform.topics.inspectionResults, [
      { key: 'BROKEN', raw: Buffer.from('definitely not avro') },
    ]);

    const { code, report } = await replay('broken');
    expect(code).toBe(1);
    expect(report.unverifiable).toEqual([
      expect.objectContaining({ assessmentId: base.assessmentId, rulesetVersion: 'sha256:0000unknown' }),
    ]);
    expect(report.corrupt).toEqual([
      expect.objectContaining({
        topic: platform.topics.inspectionResults,
        partition: expect.any(Number) as number,
        offset: expect.any(String) as string,
      }),
    ]);
    expect(report.gaps.map((g) => [g.kind, g.declarationId])).toEqual([
      ['DECLARATION_WITHOUT_ASSESSMENT', 'NEVER-ASSESSED'],
      ['ASSESSMENT_WITHOUT_DECLARATION', 'GHOST-A'],
      ['ASSIGNMENT_WITHOUT_OUTCOME', assessments[2]!.declarationId],
      ['OUTCOME_WITHOUT_ASSESSMENT', 'GHOST-O'],
    ]);
  });

  it('says so when a window holds no data', async () => {
    const { code, stdout } = await audit([
      'replay',
      '--from',
      '2020-01-01T00:00Z',
      '--to',
      '2020-01-02T00:00Z',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/no declarations or assessments between 2020-01-01/);
  });

  it('traces one declaration from submission to outcome', async () => {
    const a = assessments[0]!;
    const file = join(out, 'trace.json');
    const { code, stdout } = await audit(['trace', a.declarationId, '--json', file]);
    expect(code).toBe(0);
    const trace = JSON.parse(readFileSync(file, 'utf8')) as TraceReport;
    expect(trace.steps.map((s) => s.kind)).toEqual([
      'DECLARED',
      'ASSESSED',
      'ASSIGNED',
      'INSPECTED',
      'OUTCOME',
    ]);
    expect(trace.steps[1]!.details.length).toBeGreaterThan(0);
    expect(trace.totalMs).toBeGreaterThan(0);
    expect(stdout).toContain(a.declarationId);
  });

  it('backtests a stricter ruleset: the shifts it causes, load, fires and hit rates, and an HTML report that renders', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'candidate-'));
    cpSync(rulesetDir, dir, { recursive: true });
    const file = join(dir, 'ruleset.yaml');
    const text = readFileSync(file, 'utf8');
    const stricter = text.replace(
      'thresholds: { DOCUMENTARY: 20, SCAN: 40, PHYSICAL: 60 }',
      'thresholds: { DOCUMENTARY: 10, SCAN: 20, PHYSICAL: 30 }',
    );
    expect(stricter).not.toBe(text);
    writeFileSync(file, stricter);
    const json = join(out, 'backtest.json');
    const html = join(out, 'backtest.html');
    const { code, stdout } = await audit([
      'backtest',
      '--ruleset',
      file,
      '--from',
      from,
      '--to',
      to(),
      '--json',
      json,
      '--html',
      html,
      '--csv',
      join(out, 'backtest.csv'),
    ]);
    expect(stdout).toContain('Level changes');
    expect(code).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as BacktestReport;
    expect(report.changed).toBeGreaterThan(0);
    const rank = ['RELEASE', 'DOCUMENTARY', 'SCAN', 'PHYSICAL'];
    // Lower thresholds only ever raise a level (the forged record aside, which the backtest re-decides).
    const real = report.shifts.filter((s) => s.declarationId !== assessments[10]!.declarationId);
    expect(real.length).toBeGreaterThan(0);
    for (const s of real) expect(rank.indexOf(s.to)).toBeGreaterThan(rank.indexOf(s.from));
    const offDiagonal = Object.entries(report.matrix).reduce(
      (n, [f, row]) => n + Object.entries(row).reduce((m, [t, c]) => m + (f === t ? 0 : c), 0),
      0,
    );
    expect(offDiagonal).toBe(report.changed);
    expect(report.rules.some((r) => r.candidateFires > 0)).toBe(true);
    expect(report.rules.some((r) => r.inspected > 0)).toBe(true);
    expect(report.load.some((l) => l.capacityPerHour !== null)).toBe(true);

    // Renders in headless Chromium from the file, with no server.
    const chromium = ['chromium', '/usr/bin/chromium', 'chromium-browser'].find(
      (c) => spawnSync(c, ['--version']).status === 0,
    );
    if (!chromium)
      throw new Error(
        'headless Chromium is required for this test: apt-get install -y chromium (Debian package)',
      );
    const flags = [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${mkdtempSync(join(tmpdir(), 'chromium-'))}`,
    ];
    const dom = spawnSync(chromium, [...flags, '--dump-dom', `file://${html}`], {
      encoding: 'utf8',
      timeout: 90_000,
    });
    expect(dom.stdout).toContain('data-chart="level-matrix"');
    expect(dom.stdout).toContain('data-chart="levels-over-time"');
    expect(dom.stdout).toContain('data-chart="hit-rate"');
    const png = join(out, 'backtest.png');
    spawnSync(chromium, [...flags, `--screenshot=${png}`, '--window-size=1280,2000', `file://${html}`], {
      timeout: 90_000,
    });
    const bytes = readFileSync(png);
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    // A blank or single-colour page compresses to a few kilobytes; charts and tables do not.
    expect(statSync(png).size).toBeGreaterThan(30_000);
  }, 240_000);

  it('gives the same report in worker threads as on one thread, also when a record is keyed otherwise', async () => {
    // A declaration keyed by something other than its id: its shard cannot be known before decoding.
    const rekeyed = {
      ...generateDeclarations(1, 9)[0]!.declaration,
      declarationId: 'REKEYED',
      amendment: 0,
    };
    await send(platform.topics.declarations, [{ key: 'SOMETHING-ELSE', value: rekeyed }]);
    const until = to();
    const replayWith = async (workers: string) => {
      const file = join(out, `workers-${workers}.json`);
      const { code } = await audit([
        'replay',
        '--from',
        from,
        '--to',
        until,
        '--workers',
        workers,
        '--json',
        file,
      ]);
      return { code, report: JSON.parse(readFileSync(file, 'utf8')) as ReplayReport };
    };
    const one = await replayWith('0');
    const three = await replayWith('3');
    expect(three.code).toBe(one.code);
    // Findings are listed in the order records were read, which differs between two reads of
    // several partitions; the same read in shards or on one thread lists them in the same order
    // (replay-shards.unit.test.ts).
    const byPlace = <T>(items: T[], at: (item: T) => RecordLocation) =>
      [...items].sort((a, b) => where(at(a)).localeCompare(where(at(b))));
    const comparable = (r: ReplayReport) => ({
      ...r,
      differences: byPlace(r.differences, (d) => d.at),
      unverifiable: byPlace(r.unverifiable, (u) => u.at),
      duplicates: byPlace(r.duplicates, (d) => d.records[0]!),
      deadLettered: byPlace(r.deadLettered, (d) => d.at),
      corrupt: byPlace(r.corrupt, (c) => c),
      rulesetVersions: [...r.rulesetVersions].sort((a, b) => a.version.localeCompare(b.version)),
    });
    expect(comparable(three.report)).toEqual(comparable(one.report));
    expect(one.report.counts).toMatchObject({ different: 1, unverifiable: 1, corrupt: 1 });
    expect(one.report.gaps.map((g) => g.declarationId)).toContain('REKEYED');
  });

  // Last: it publishes a forged version, which the tests before it must not see.
  it('fetches the version the assessments name, verified, as a file the rules CLI reads; refuses a forged one', async () => {
    const version = assessments[0]!.rulesetVersion;
    const listed = await audit(['ruleset']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`${version}  khorgos-road  published \\S+  verified`));

    const file = join(out, 'fetched-ruleset.json');
    const short = version.slice('sha256:'.length, 'sha256:'.length + 12);
    const fetched = await audit(['ruleset', short, '--out', file]);
    expect(fetched.code).toBe(0);
    expect(fetched.stdout).toContain(`ruleset ${version} (khorgos-road`);
    const checked = await run(node, [
      join(repoRoot, 'services', 'categoriser', 'src', 'cli.ts'),
      'check',
      file,
    ]);
    expect(checked.stdout).toContain(`khorgos-road ${version}`);

    // The same rules published under another version's name: their content does not hash to it.
    const forged = `sha256:${'0'.repeat(64)}`;
    await send(platform.topics.rulesets, [
      {
        key: forged,
        value: {
          version: forged,
          name: 'khorgos-road',
          content: readFileSync(file, 'utf8'),
          publishedAt: Date.now(),
        },
      },
    ]);
    const refused = await audit(['ruleset', forged, '--out', join(out, 'forged.json')]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(`published content of ${forged} hashes to ${version}: it was altered`);
    expect(() => statSync(join(out, 'forged.json'))).toThrow();
    const relisted = await audit(['ruleset']);
    expect(relisted.code).toBe(1);
    expect(relisted.stdout).toContain(`${forged}  khorgos-road`);
    expect(relisted.stdout).toContain('2 versions, 1 NOT TRUSTED');
  });
});
