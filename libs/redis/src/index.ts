export { createRedisClient, type Redis } from './redis-client.ts';
export { luaScript, type LuaScript } from './lua-script.ts';
