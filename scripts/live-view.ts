// The live terminal view of `npm start`: what the pipeline is doing right now, read from the topics
// (read_committed, like any consumer) and from the services' /metrics.
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import type { TopicNames } from '@clearway/infra';
import type { AvroSerde, Kafka } from '@clearway/kafka';
import type { ClearanceOutcome, DeadLetter, LaneAssignment, RiskAssessment } from '@clearway/schemas';

interface Window {
  at: number;
  declarations: number;
}

export async function createLiveView(options: {
  kafka: Kafka;
  serde: AvroSerde;
  topics: TopicNames;
  port: string;
  services: { name: string; child: ChildProcess; httpPort: number }[];
  stackSource: string;
  /** Port seconds per wall second, to show clearance times in port time. */
  compression: number;
}) {
  const { kafka, serde, topics } = options;
  const started = Date.now();
  const counts = {
    declarations: 0,
    assessments: 0,
    byLevel: new Map<string, number>(),
    byClass: new Map<string, number>(),
    sampled: 0,
    assignments: 0,
    reassignments: 0,
    outcomes: new Map<string, number>(),
    finals: 0,
    deadLetters: new Map<string, number>(),
  };
  const clearanceMinutes: number[] = [];
  const declaredAt = new Map<string, number>();
  const windows: Window[] = [];
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

  const consumer = kafka.consumer({ groupId: `clearway-live-view-${randomUUID()}`, readUncommitted: false });
  await consumer.connect();
  await consumer.subscribe({
    topics: [
      topics.declarations,
      topics.riskAssessments,
      topics.laneAssignments,
      topics.clearanceOutcomes,
      topics.dlqCategoriser,
      topics.dlqDispatcher,
    ],
    fromBeginning: false,
  });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      try {
        if (topic === topics.declarations) {
          counts.declarations++;
          const id = message.key?.toString();
          if (id && !declaredAt.has(id)) declaredAt.set(id, Date.now());
        } else if (topic === topics.riskAssessments) {
          const a = await serde.decode<RiskAssessment>(topic, message.value);
          counts.assessments++;
          bump(counts.byLevel, a.inspectionLevel);
          bump(counts.byClass, a.freightClass);
          if (a.sampled) counts.sampled++;
        } else if (topic === topics.laneAssignments) {
          const a = await serde.decode<LaneAssignment>(topic, message.value);
          if (a.kind === 'ASSIGNED') counts.assignments++;
          if (a.kind === 'REASSIGNED') counts.reassignments++;
        } else if (topic === topics.clearanceOutcomes) {
          const o = await serde.decode<ClearanceOutcome>(topic, message.value);
          bump(counts.outcomes, o.decision);
          if (o.final) {
            counts.finals++;
            // Wall time between seeing the declaration and its final outcome here (record timestamps may be
            // the simulator's port clock), scaled to port time.
            const seen = declaredAt.get(o.declarationId);
            if (seen !== undefined) {
              clearanceMinutes.push(((Date.now() - seen) * options.compression) / 60_000);
              if (clearanceMinutes.length > 5_000) clearanceMinutes.shift();
              declaredAt.delete(o.declarationId);
            }
          }
        } else {
          const d = await serde.decode<DeadLetter>(topic, message.value);
          bump(counts.deadLetters, d.reasonCode);
        }
      } catch {
        bump(counts.deadLetters, 'UNREADABLE');
      }
    },
  });

  const scrape = async (port: number): Promise<string> => {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(800) });
      return await response.text();
    } catch {
      return '';
    }
  };
  const percentile = (xs: number[], p: number) => {
    if (xs.length === 0) return NaN;
    const sorted = [...xs].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
  };
  const share = (m: Map<string, number>, total: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${((100 * v) / Math.max(total, 1)).toFixed(1)}%`)
      .join('  ');
  const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '-');

  const render = async () => {
    const now = Date.now();
    windows.push({ at: now, declarations: counts.declarations });
    while (windows.length > 1 && now - windows[0]!.at > 10_000) windows.shift();
    const first = windows[0]!;
    const rate = now > first.at ? ((counts.declarations - first.declarations) * 1000) / (now - first.at) : 0;
    const lanes: string[] = [];
    for (const s of options.services) {
      const text = await scrape(s.httpPort);
      const queued = new Map<string, number>();
      const waits = new Map<string, number>();
      for (const line of text.split('\n')) {
        const q = /^clearway_dispatcher_lane_queue_length\{([^}]*)\} (\S+)/.exec(line);
        const w = /^clearway_dispatcher_lane_expected_wait_seconds\{([^}]*)\} (\S+)/.exec(line);
        const labels = (q ?? w)?.[1] ?? '';
        if (!labels.includes(`port="${options.port}"`)) continue; // only the port being shown
        const lane = /lane="([^"]+)"/.exec(labels)?.[1];
        if (q && lane) queued.set(lane, (queued.get(lane) ?? 0) + Number(q[2]));
        if (w && lane) waits.set(lane, Number(w[2]));
      }
      for (const [lane, n] of queued)
        lanes.push(`${lane} ${n}${waits.has(lane) ? ` (${fmt((waits.get(lane) ?? 0) / 60)}m)` : ''}`);
    }
    const alive = options.services
      .map((s) => `${s.name} ${s.child.exitCode === null && s.child.signalCode === null ? 'up' : 'DOWN'}`)
      .join(', ');
    const dead = [...counts.deadLetters.values()].reduce((a, b) => a + b, 0);
    const lines = [
      `Clearway live — port ${options.port} — running ${Math.round((now - started) / 1000)}s — stack: ${options.stackSource} — Ctrl-C stops`,
      `services       ${alive}`,
      `declarations   ${counts.declarations} in  (${rate.toFixed(1)}/s over the last 10 s)`,
      `assessments    ${counts.assessments}  ${share(counts.byLevel, counts.assessments)}  sampled ${counts.sampled}`,
      `freight class  ${share(counts.byClass, counts.assessments)}`,
      `lane assign.   ${counts.assignments} assigned, ${counts.reassignments} reassigned`,
      `lane queues    ${lanes.length ? lanes.join(' | ') : '(no dispatcher metrics yet)'}`,
      `outcomes       ${counts.finals} final  ${[...counts.outcomes].map(([k, v]) => `${k} ${v}`).join('  ')}`,
      `clearance time p50 ${fmt(percentile(clearanceMinutes, 50))} min, p95 ${fmt(percentile(clearanceMinutes, 95))} min (port time, declaration → final outcome)`,
      `dead letters   ${dead}  ${[...counts.deadLetters].map(([k, v]) => `${k} ${v}`).join('  ')}`,
    ];
    if (process.stdout.isTTY) process.stdout.write(`\x1b[2J\x1b[H${lines.join('\n')}\n`);
    else
      console.log(
        lines
          .slice(2)
          .map((l) => l.replace(/\s+/g, ' '))
          .join(' | '),
      );
  };
  const timer = setInterval(() => void render(), process.stdout.isTTY ? 1_000 : 5_000);
  return {
    stop: () => clearInterval(timer),
    close: async () => {
      clearInterval(timer);
      await consumer.disconnect();
    },
  };
}
