/**
 * Lua scripts: each runs atomically in Redis, which is what makes room
 * ownership (and so seating, which only the owner does) safe across nodes.
 * Every change also bumps the `seq` counter and scores the room with it in
 * the `changes` sorted set, from which nodes sync their copy incrementally.
 */

/**
 * Claims a room for a node. KEYS: owners hash, seq, changes. ARGV: room id, claiming node
 * id, node key prefix. The room becomes the claimer's when it has no owner,
 * is already the claimer's, or its owner's node key expired (the node died).
 * Returns the owner after the call: the claimer on success, else the live
 * owner.
 */
export const CLAIM_ROOM = `
local owner = redis.call('HGET', KEYS[1], ARGV[1])
if owner and owner ~= ARGV[2] and redis.call('EXISTS', ARGV[3] .. owner) == 1 then
  return owner
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[3], redis.call('INCR', KEYS[2]), ARGV[1])
return ARGV[2]
`;

/**
 * Removes the directory entries of rooms whose owner is a given dead node
 * (only if still owned by it: a node that restored the room meanwhile keeps
 * it). KEYS: owners, rooms, codes, seq, changes. ARGV: dead node id, node key prefix, then
 * pairs of room id and join code. Returns how many rooms it removed.
 */
export const REAP_ROOMS = `
if redis.call('EXISTS', ARGV[2] .. ARGV[1]) == 1 then return 0 end
local removed = 0
for i = 3, #ARGV, 2 do
  local id = ARGV[i]
  if redis.call('HGET', KEYS[1], id) == ARGV[1] then
    redis.call('HDEL', KEYS[1], id)
    redis.call('HDEL', KEYS[2], id)
    if redis.call('HGET', KEYS[3], ARGV[i + 1]) == id then redis.call('HDEL', KEYS[3], ARGV[i + 1]) end
    redis.call('ZADD', KEYS[5], redis.call('INCR', KEYS[4]), id)
    removed = removed + 1
  end
end
return removed
`;

/**
 * Publishes a room's entry only while the node owns it. KEYS: owners, rooms,
 * codes, seq, changes. ARGV: room id, node id, entry JSON, join code. Returns 1 when
 * written, 0 when another node owns the room.
 */
export const PUBLISH_ROOM = `
local owner = redis.call('HGET', KEYS[1], ARGV[1])
if owner and owner ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[3], ARGV[4], ARGV[1])
redis.call('ZADD', KEYS[5], redis.call('INCR', KEYS[4]), ARGV[1])
return 1
`;

/**
 * Withdraws a closed room, only if this node owns it. KEYS: owners, rooms,
 * codes, seq, changes. ARGV: room id, node id, join code.
 */
export const WITHDRAW_ROOM = `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
if redis.call('HGET', KEYS[3], ARGV[3]) == ARGV[1] then redis.call('HDEL', KEYS[3], ARGV[3]) end
redis.call('ZADD', KEYS[5], redis.call('INCR', KEYS[4]), ARGV[1])
return 1
`;
