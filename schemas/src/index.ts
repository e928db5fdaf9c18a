export * from './generated/types.ts';
export { avroSchemas, type EventName } from './generated/schemas.ts';
