export * from './generated/types.ts';
export * from './generated/schemas.ts';
