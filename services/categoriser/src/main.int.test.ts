// The categoriser as it runs in production: a child process against the real broker, registry and
// Redis. Proves one assessment per declaration amendment, dead letters with reasons, exactly once
// across kill -9, bad configuration stopping the process, and a ruleset change without restart.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTestPlatform,
  eventually,
  readTopic,
  startService,
  type ServiceProcess,
  type TestPlatform,
} from '@clearway/test';
import type { DeadLetter, Declaration, RiskAssessment, RulesetPublished } from '@clearway/schemas';
import { generateDeclarations } from '../bench/synthetic-declarations.ts';
import { loadRulesetFile } from './adapters/ruleset-files.ts';

const rulesetDir = join(import.meta.dirname, '..', 'rulesets', 'khorgos');

describe('categoriser service', () => {
  let platform: TestPlatform;
  const running: ServiceProcess[] = [];
  beforeAll(async () => {
    platform = await createTestPlatform('categoriser');
  });
  afterAll(async () => {
    await Promise.all(running.map((s) => s.kill('SIGKILL')));
    await platform.close();
  });

  const serviceEnv = (extra: Record<string, string> = {}) => ({
    ...platform.env,
    REDIS_KEY_PREFIX: `${platform.prefix}`,
    RULESET_POLL_MS: '0',
    ...extra,
  });
  const start = (extra: Record<string, string> = {}) => {
    const s = startService('categoriser', serviceEnv(extra));
    running.push(s);
    return s;
  };
  const publish = async (declarations: Declaration[], raw: { key: string; value: Buffer }[] = []) => {
    const producer = platform.kafka.producer();
    await producer.connect();
    const messages = [
      ...declarations.map((d) => ({
        key: d.declarationId,
        value: platform.serde.encode(platform.topics.declarations, d),
      })),
      ...raw,
    ];
    for (let i = 0; i < messages.length; i += 1000)
      await producer.send({ topic: platform.topics.declarations, messages: messages.slice(i, i + 1000) });
    await producer.disconnect();
  };
  const readAssessments = (count: number) =>
    readTopic<RiskAssessment>(platform.kafka, platform.serde, platform.topics.riskAssessments, {
      count,
      timeoutMs: 180_000,
    });

  it('stops with a message naming the bad setting', async () => {
    const service = startService('categoriser', {
      ...serviceEnv(),
      KAFKA_BROKERS: 'not-a-broker-list',
      REDIS_URL: 'http://wrong',
    });
    const { code } = await service.exited;
    expect(code).toBe(78);
    expect(service.output()).toMatch(/KAFKA_BROKERS/);
    expect(service.output()).toMatch(/REDIS_URL/);
  });

  it('stops with a message naming the file and path of a broken ruleset', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ruleset-'));
    cpSync(rulesetDir, dir, { recursive: true });
    const file = join(dir, 'ruleset.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('class: HAZARDOUS', 'clas: HAZARDOUS'));
    const service = startService('categoriser', { ...serviceEnv(), RULESET_PATH: file });
    const { code } = await service.exited;
    expect(code).not.toBe(0);
    expect(service.output()).toContain('ruleset.yaml');
    expect(service.output()).toMatch(/freightClasses/);
  });

  it('assesses every declaration once, dead-letters the invalid, stale and duplicate ones with reasons', async () => {
    // Originals only: this test adds its own amendment, stale copy and duplicate.
    const inputs = generateDeclarations(400, 7)
      .map((x) => x.declaration)
      .filter((d) => d.amendment === 0);
    const first = inputs[0]!;
    const amended: Declaration = { ...first, amendment: 1, submittedAt: first.submittedAt + 60_000 };
    const stale: Declaration = { ...first, amendment: 0 }; // arrives after amendment 1
    const duplicate: Declaration = { ...amended };
    const invalid: Declaration = {
      ...inputs[1]!,
      declarationId: 'INVALID-1',
      goods: [{ ...inputs[1]!.goods[0]!, netMassGrams: -1 }],
    };
    const unknownHs: Declaration = {
      ...inputs[2]!,
      declarationId: 'INVALID-2',
      goods: [{ ...inputs[2]!.goods[0]!, hsCode: '999999' }],
    };
    await publish(
      [...inputs, amended, stale, duplicate, invalid, unknownHs],
      [{ key: 'garbage', value: Buffer.from('not avro at all') }],
    );

    const service = start();
    const assessments = await readAssessments(inputs.length + 1);
    const letters = await readTopic<DeadLetter>(
      platform.kafka,
      platform.serde,
      platform.topics.dlqCategoriser,
      { count: 5 },
    );
    await service.kill();

    const ids = assessments.map((a) => a.value.assessmentId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(
      [...inputs.map((d) => `${d.declarationId}:0`), `${first.declarationId}:1`].sort(),
    );
    const codes: Record<string, string> = Object.fromEntries(
      letters.map((l) => [l.key ?? '', l.value.reasonCode]),
    );
    expect(letters).toHaveLength(5);
    expect(codes['garbage']).toBe('NOT_AVRO');
    expect(codes['INVALID-1']).toBe('INVALID');
    expect(codes['INVALID-2']).toBe('INVALID');
    expect(letters.find((l) => l.key === 'INVALID-2')?.value.reason).toMatch(/999999/);
    expect(
      letters
        .filter((l) => l.key === first.declarationId)
        .map((l) => l.value.reasonCode)
        .sort(),
    ).toEqual(['DUPLICATE', 'STALE_AMENDMENT']);

    // Every assessment names the ruleset version it was decided by, and that version is published.
    const { ruleset } = loadRulesetFile(join(rulesetDir, 'ruleset.yaml'));
    expect(new Set(assessments.map((a) => a.value.rulesetVersion))).toEqual(new Set([ruleset.version]));
    const published = await readTopic<RulesetPublished>(
      platform.kafka,
      platform.serde,
      platform.topics.rulesets,
      { count: 1 },
    );
    expect(published.map((p) => p.value.version)).toContain(ruleset.version);
    // Explanations are there and the recorded context lets an auditor re-run the decision.
    const explained = assessments.find((a) => a.value.firedRules.length > 1)!.value;
    expect(explained.firedRules[0]!.reason.length).toBeGreaterThan(0);
    expect(explained.decision.summary.length).toBeGreaterThan(0);
    expect(explained.context).not.toBeNull();
    // Each carries its declaration's routing facts, so the dispatcher needs no second input.
    const byId = new Map([...inputs, amended].map((d) => [`${d.declarationId}:${d.amendment}`, d]));
    for (const { value: a } of assessments) {
      const d = byId.get(a.assessmentId)!;
      expect(a.routing?.tractorPlate).toBe(d.vehicle.tractorPlate);
      expect(a.routing?.bookingId).toBe(d.bookingId);
      expect(a.routing?.slot).toEqual(d.slot);
      expect(new Set(a.routing?.traders)).toEqual(new Set([d.declarant.id, d.consignor.id, d.consignee.id]));
    }
  });

  it('is exactly once across kill -9: no assessment lost, none duplicated', async () => {
    const total = 12_000;
    // Unique ids, amendment 0: exactly `total` assessments are due.
    const inputs = generateDeclarations(total, 99).map(({ declaration }, i) => ({
      ...declaration,
      declarationId: `KILL-${i}`,
      amendment: 0,
    }));
    const before = (
      await readTopic(platform.kafka, platform.serde, platform.topics.riskAssessments, {
        idleMs: 2_000,
        decode: false,
      })
    ).length;
    await publish(inputs);

    // Kill it twice mid-stream, at different points, then let a third run finish.
    for (const after of [2_000, 6_000]) {
      const victim = start();
      await eventually(
        () =>
          readTopic(platform.kafka, platform.serde, platform.topics.riskAssessments, {
            idleMs: 300,
            decode: false,
          }).then((r) => r.length),
        (n) => n >= before + after,
        120_000,
      );
      await victim.kill('SIGKILL');
    }
    const survivor = start();
    const all = await readAssessments(before + total);
    await survivor.kill();

    const killed = all
      .filter((a) => a.value.declarationId.startsWith('KILL-'))
      .map((a) => a.value.assessmentId);
    expect(killed).toHaveLength(total);
    expect(new Set(killed).size).toBe(total);
  }, 420_000);

  it('takes a new ruleset version without a restart, recorded on each assessment and published', async () => {
    // Its own topics, so it does not wait behind the other tests' traffic.
    const own = await createTestPlatform('categoriser-reload');
    const dir = mkdtempSync(join(tmpdir(), 'ruleset-'));
    cpSync(rulesetDir, dir, { recursive: true });
    const file = join(dir, 'ruleset.yaml');
    const service = startService('categoriser', {
      ...own.env,
      REDIS_KEY_PREFIX: own.prefix,
      RULESET_PATH: file,
      RULESET_POLL_MS: '200',
    });
    running.push(service);
    const publishTo = async (declarations: Declaration[]) => {
      const producer = own.kafka.producer();
      await producer.connect();
      await producer.send({
        topic: own.topics.declarations,
        messages: declarations.map((d) => ({
          key: d.declarationId,
          value: own.serde.encode(own.topics.declarations, d),
        })),
      });
      await producer.disconnect();
    };
    const read = () =>
      readTopic<RiskAssessment>(own.kafka, own.serde, own.topics.riskAssessments, { idleMs: 1_000 });

    const batchA = generateDeclarations(50, 1234).map(({ declaration }) => declaration);
    await publishTo(batchA);
    const versionA = loadRulesetFile(file).ruleset.version;
    await eventually(read, (r) => r.length === 50, 120_000);

    // An analyst changes a weight: a new version, in force from the next batch, no restart.
    const text = readFileSync(file, 'utf8');
    const edited = text.replace(/weight: (\d+)/, (_m, w: string) => `weight: ${Number(w) + 1}`);
    expect(edited).not.toBe(text);
    writeFileSync(file, edited);
    const versionB = loadRulesetFile(file).ruleset.version;
    expect(versionB).not.toBe(versionA);
    await new Promise((r) => setTimeout(r, 1_500));
    const batchB = generateDeclarations(50, 4321).map(({ declaration }) => ({
      ...declaration,
      declarationId: `B-${declaration.declarationId}`,
    }));
    await publishTo(batchB);
    const all = await eventually(read, (r) => r.length === 100, 120_000);
    await service.kill();

    const versionsOf = (b: boolean) =>
      new Set(
        all.filter((a) => a.value.declarationId.startsWith('B-') === b).map((a) => a.value.rulesetVersion),
      );
    expect(versionsOf(false)).toEqual(new Set([versionA]));
    expect(versionsOf(true)).toEqual(new Set([versionB]));
    const published = await readTopic<RulesetPublished>(own.kafka, own.serde, own.topics.rulesets, {
      idleMs: 2_000,
    });
    expect(published.map((p) => p.value.version)).toEqual(expect.arrayContaining([versionA, versionB]));
    await own.close();
  });
});
