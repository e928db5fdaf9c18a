// Names the services refer to in code; a unit test checks each is in topics.yaml.
export const topics = {
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

export type TopicName = (typeof topics)[keyof typeof topics];
