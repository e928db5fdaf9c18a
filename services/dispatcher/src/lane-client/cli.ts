// The inspection lane terminal's command line: shows this lane's assignments as they arrive and
// publishes results typed at the prompt (or answers every assignment itself with --auto).
//
//   node services/dispatcher/src/lane-client/cli.ts --port KHORGOS --lane KGS-XRAY-1
//   > result <assignmentId> NO_FINDINGS|DISCREPANCY|SEIZURE|REFERRED [FINDING_CODE ...]
//   > list | quit
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { kafkaSettings, loadConfigOrExit, registrySettings } from '@clearway/config';
import { loadTopicCatalogue, prefixedCatalogue, topicNames } from '@clearway/infra';
import { createAvroSerde, createKafka, createSchemaRegistry } from '@clearway/kafka';
import { createLogger } from '@clearway/observability';
import { InspectionOutcomeValues, type LaneAssignment } from '@clearway/schemas';
import { createLaneClient } from './lane-client.ts';

const settings = loadConfigOrExit(
  kafkaSettings.extend(registrySettings.shape).extend({
    TOPIC_PREFIX: z
      .string()
      .regex(/^[a-zA-Z0-9._-]*$/)
      .default(''),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
  }),
  'lane-client',
);
const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    lane: { type: 'string', multiple: true },
    auto: { type: 'string' },
    group: { type: 'string' },
    'new-only': { type: 'boolean', default: false },
  },
});
const outcome = z.enum(InspectionOutcomeValues);
if (!values.port || !values.lane?.length) {
  process.stderr.write(
    'usage: cli.ts --port KHORGOS --lane KGS-XRAY-1 [--lane ...] [--auto NO_FINDINGS] [--group id] [--new-only]\n',
  );
  process.exit(64);
}
const auto = values.auto === undefined ? undefined : outcome.parse(values.auto);

const logger = createLogger('lane-client', settings.LOG_LEVEL);
const topics = topicNames(settings.TOPIC_PREFIX);
const serde = createAvroSerde(
  createSchemaRegistry(settings),
  prefixedCatalogue(loadTopicCatalogue(), settings.TOPIC_PREFIX),
);
const client = createLaneClient({
  kafka: createKafka(settings, logger, `clearway-lane-${values.port}`),
  serde,
  topics,
  logger,
  port: values.port,
  laneIds: values.lane,
  ...(values.group ? { groupId: values.group } : {}),
  fromBeginning: !values['new-only'],
});

// Trucks this terminal has to inspect, by assignment id; moved or cancelled ones leave.
const work = new Map<string, LaneAssignment>();
const lanes = new Set(values.lane);
const print = (line: unknown) => process.stdout.write(`${JSON.stringify(line)}\n`);

await client.start(async (a) => {
  if (a.kind === 'CANCELLED' || !lanes.has(a.laneId)) {
    for (const [id, w] of work) if (w.assessmentId === a.assessmentId) work.delete(id);
    print({
      event: a.kind === 'CANCELLED' ? 'cancelled' : 'moved-away',
      assignmentId: a.assignmentId,
      reason: a.reason,
    });
    return;
  }
  work.set(a.assignmentId, a);
  print({
    event: a.kind === 'REASSIGNED' ? 'moved-in' : 'assigned',
    assignmentId: a.assignmentId,
    lane: a.laneId,
    plate: a.plate,
    freightClass: a.freightClass,
    level: a.inspectionLevel,
    queuePosition: a.queuePosition,
    expectedStartAt: new Date(a.expectedStartAt).toISOString(),
    reason: a.reason,
  });
  if (auto) {
    const now = Date.now();
    const r = await client.publishResult({
      assignment: a,
      outcome: auto,
      startedAt: now,
      completedAt: now,
      resultId: `auto-${a.assignmentId}`,
    });
    work.delete(a.assignmentId);
    print({ event: 'result-published', resultId: r.resultId, assignmentId: a.assignmentId, outcome: auto });
  }
});

const prompt = createInterface({ input: process.stdin });
prompt.on('line', (line) => {
  const [command, id, result, ...codes] = line.trim().split(/\s+/);
  if (command === 'list')
    for (const w of work.values())
      print({ assignmentId: w.assignmentId, plate: w.plate, level: w.inspectionLevel });
  else if (command === 'quit') void client.stop().then(() => process.exit(0));
  else if (command === 'result' && id) {
    const a = work.get(id);
    const parsed = outcome.safeParse(result);
    if (!a) return print({ error: `no assignment ${id} at this terminal` });
    if (!parsed.success)
      return print({ error: `outcome must be one of ${InspectionOutcomeValues.join(', ')}` });
    const now = Date.now();
    void client
      .publishResult({
        assignment: a,
        outcome: parsed.data,
        findings: codes.map((code) => ({ code, description: code, lineNo: null })),
        startedAt: now,
        completedAt: now,
      })
      .then((r) => {
        work.delete(id);
        print({ event: 'result-published', resultId: r.resultId, assignmentId: id, outcome: r.outcome });
      });
  } else if (command)
    print({ error: 'commands: result <assignmentId> <outcome> [findingCode ...] | list | quit' });
});
process.on('SIGINT', () => void client.stop().then(() => process.exit(0)));
