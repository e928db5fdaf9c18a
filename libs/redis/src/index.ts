export { createRedisClient, type Redis } from './redis-client.ts';
