export { createRedisClient, type Redis } from './redis-client.ts';
export { luaScript, scriptCallSlices, type LuaScript } from './lua-script.ts';
