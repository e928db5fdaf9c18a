// Names the services refer to in code; a unit test checks each is in topics.yaml. A prefix gives a
// private copy of every topic (integration tests run side by side, a demo can be reset cheaply).
const baseTopics = {
  declarations: 'clearway.declarations.v1',
  bookings: 'clearway.bookings.v1',
  riskAssessments: 'clearway.risk-assessments.v1',
  laneAssignments: 'clearway.lane-assignments.v1',
  inspectionResults: 'clearway.inspection-results.v1',
  clearanceOutcomes: 'clearway.clearance-outcomes.v1',
  laneStatus: 'clearway.lane-status.v1',
  rulesets: 'clearway.rulesets.v1',
  dlqCategoriser: 'clearway.dlq.categoriser.v1',
  dlqDispatcher: 'clearway.dlq.dispatcher.v1',
} as const;

export type TopicKey = keyof typeof baseTopics;
export type TopicNames = Record<TopicKey, string>;

export const topics: TopicNames = baseTopics;

/** The topic names with a prefix (e.g. `it-42.`); the empty prefix gives the production names. */
export function topicNames(prefix = ''): TopicNames {
  return Object.fromEntries(Object.entries(baseTopics).map(([k, v]) => [k, `${prefix}${v}`])) as TopicNames;
}
