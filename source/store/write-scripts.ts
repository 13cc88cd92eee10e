import type {Redis} from 'ioredis';

/**
 * The Lua scripts that write a token's trio (compatibility §1.5). Redis rolls back neither a MULTI
 * nor a script when one of its commands fails part-way, so a key of the wrong type (`SET iat:x y`
 * by anyone) would leave a record and an access value behind while the caller reports failure: a
 * live token whose raw token nobody got. So each script first checks everything a write could be
 * refused for once the first one is done (the keys' types, and on Redis 7 the user's permissions),
 * refuses with an error reply if need be, and lets the first write fail in Redis's own words
 * (READONLY, OOM, MISCONF: refused before anything is written, and not after, as Redis lets a
 * script that has written go on). A script writes the whole trio or nothing.
 */

/**
 * `refusal(...)`: why writing to these keys would fail part-way, or nil. Each argument is
 * {key, type, command, args...}. Redis before 7 has no acl_check_cmd: there the types are checked.
 * `writeAll(...)`: runs each {command, args...}; a refusal of the first comes back in Redis's own
 * words (an error raised from a script would have the script's location appended).
 */
export const GUARDS = `
local function refusal(...)
  for _, write in ipairs({...}) do
    local found = redis.call('TYPE', write[1])['ok']
    if found ~= 'none' and found ~= write[2] then
      return 'WRONGTYPE ' .. write[1] .. ' holds a ' .. found .. ', not a ' .. write[2] .. '; nothing was written'
    end
    if redis.acl_check_cmd and not redis.acl_check_cmd(unpack(write, 3)) then
      return "NOPERM this user has no permissions to run the '" .. string.lower(write[3]) .. "' command; nothing was written"
    end
  end
end
local function writeAll(first, ...)
  local reply = redis.pcall(unpack(first))
  if type(reply) == 'table' and reply.err then return reply end
  for _, command in ipairs({...}) do redis.call(unpack(command)) end
  return 1
end
`;

/**
 * Issue: record, empty access value, index entry.
 * KEYS: tokens, access, index. ARGV: id, record, access.
 */
const PROVISION = `${GUARDS}
local problem = refusal(
  {KEYS[1], 'hash', 'HSET', KEYS[1], ARGV[1], ARGV[2]},
  {KEYS[2], 'hash', 'HSET', KEYS[2], ARGV[1], ARGV[3]},
  {KEYS[3], 'set', 'SADD', KEYS[3], ARGV[1]})
if problem then return redis.error_reply(problem) end
return writeAll({'HSET', KEYS[1], ARGV[1], ARGV[2]}, {'HSET', KEYS[2], ARGV[1], ARGV[3]}, {'SADD', KEYS[3], ARGV[1]})
`;

/**
 * Import of a batch: per token the trio, written only if the hash field still holds what the
 * caller saw (absent, or an expired/undecodable record it decided to replace, whose old index entry
 * goes). This makes import atomic without WATCH: two processes importing one string at once
 * produce one record and one "imported". One script a batch of up to 1,000 tokens (BATCH), not one
 * a token: a token's script checked every key's type and permissions and wrote its three commands
 * alone, which held Redis three times as long as plain pipelined writes (measured: 10,000 tokens,
 * about 0.22 s of Redis's time against 0.07 s); here each key is checked once, the records are read
 * with one HMGET and written with one HSET a hash and one SADD (SREM) an index key. Each token is
 * written whole or not at all.
 * KEYS: tokens, access, then the batch's index keys. ARGV: the frames,
 * `idBytes:recordBytes:expectedBytes:present:newAt:oldAt` per token joined by commas (present: 1
 * when replacing the expected bytes, 0 when the field must be absent; newAt, oldAt: positions in
 * KEYS of its new index key and of the one to leave, 0 for none), then every token's id, record and
 * expected bytes one after another, as the frames measure them, then the access value. Framed for
 * the reasons DELETE_IF_UNCHANGED is. Returns, a token, 1 (written), 0 (the field changed meanwhile)
 * or 2 (refused: its index key is of the wrong type or not this user's to write, as a script a
 * token refused it alone), and the first such refusal ('' for none). A refusal of a hash or of the
 * first write (READONLY, OOM) refuses the whole batch with an error reply.
 */
const IMPORT_BATCH = `${GUARDS}
local blob = ARGV[2]
local ids, records, expected, present, newAt, oldAt = {}, {}, {}, {}, {}, {}
local from = 1
for idBytes, recordBytes, expectedBytes, isPresent, newPosition, oldPosition in
    string.gmatch(ARGV[1], '(%d+):(%d+):(%d+):([01]):(%d+):(%d+)') do
  local n = #ids + 1
  local recordFrom = from + tonumber(idBytes)
  local expectedFrom = recordFrom + tonumber(recordBytes)
  ids[n] = string.sub(blob, from, recordFrom - 1)
  records[n] = string.sub(blob, recordFrom, expectedFrom - 1)
  from = expectedFrom + tonumber(expectedBytes)
  expected[n] = string.sub(blob, expectedFrom, from - 1)
  present[n] = isPresent == '1'
  newAt[n] = tonumber(newPosition)
  oldAt[n] = tonumber(oldPosition)
end
if #ids == 0 then return {} end
if from ~= #blob + 1 then return redis.error_reply('the import batch does not add up; nothing was written') end
local adds, removes = {}, {}
for n = 1, #ids do
  adds[newAt[n]] = true
  if present[n] and oldAt[n] > 0 then removes[oldAt[n]] = true end
end
local problem = refusal({KEYS[1], 'hash', 'HSET', KEYS[1], 'x', 'x'}, {KEYS[2], 'hash', 'HSET', KEYS[2], 'x', 'x'})
if problem then return redis.error_reply(problem) end
-- An index key that would refuse its write refuses the tokens that use it, not the others.
local keyProblem = {}
for i = 3, #KEYS do
  keyProblem[i] = (adds[i] and refusal({KEYS[i], 'set', 'SADD', KEYS[i], 'x'})) or
    (removes[i] and refusal({KEYS[i], 'set', 'SREM', KEYS[i], 'x'})) or nil
end
local current = redis.call('HMGET', KEYS[1], unpack(ids))
local written, recordArgs, accessArgs, added, removed = {}, {'HSET', KEYS[1]}, {'HSET', KEYS[2]}, {}, {}
local any, firstProblem = false, ''
for n, id in ipairs(ids) do
  local refused = keyProblem[newAt[n]] or (present[n] and oldAt[n] > 0 and keyProblem[oldAt[n]]) or nil
  if refused then
    written[n] = 2
    if firstProblem == '' then firstProblem = refused end
  elseif (present[n] and current[n] ~= expected[n]) or (not present[n] and current[n]) then
    written[n] = 0
  else
    written[n] = 1
    any = true
    recordArgs[#recordArgs + 1] = id
    recordArgs[#recordArgs + 1] = records[n]
    accessArgs[#accessArgs + 1] = id
    accessArgs[#accessArgs + 1] = ARGV[3]
    added[newAt[n]] = added[newAt[n]] or {'SADD', KEYS[newAt[n]]}
    table.insert(added[newAt[n]], id)
    if present[n] and oldAt[n] > 0 then
      removed[oldAt[n]] = removed[oldAt[n]] or {'SREM', KEYS[oldAt[n]]}
      table.insert(removed[oldAt[n]], id)
    end
  end
end
if not any then return {written, firstProblem} end
-- Old index entries go before new ones are added: a token replaced under the same account stays in its index.
local writes = {}
for _, command in pairs(removed) do writes[#writes + 1] = command end
writes[#writes + 1] = recordArgs
writes[#writes + 1] = accessArgs
for _, command in pairs(added) do writes[#writes + 1] = command end
local reply = writeAll(unpack(writes))
if type(reply) == 'table' and reply.err then return reply end
return {written, firstProblem}
`;

/**
 * Revoke by selection: per token, the record, last use and index entry are deleted only if the
 * record still holds the bytes the journal has, compared whole. A SHA-1 a token (40 characters
 * sent instead of the record's hundred or so bytes) cost more than it saved: redis.sha1hex on every
 * record, and a hash of every record in the client; with plain comparison the script holds Redis
 * a third less long (measured: 10,000 tokens, about 60 ms of EVALSHA instead of 90, median of 8).
 * The ids of those that changed are returned and kept.
 * The audit logs are left alone (they are the evidence of what a leaked token did). The records
 * are read with one HMGET and deleted with one HDEL from each hash and one SREM per index key, not
 * four commands a token: at 10,000 tokens the script's own calls were most of its time. Lua's
 * unpack() takes some thousands of values at most: a batch is 1,000 tokens (BATCH).
 * KEYS: tokens, access, then the batch's index keys. ARGV: the frames, `idBytes:recordBytes:at`
 * per token joined by commas (at: the position in KEYS of its index key), then every token's id
 * and journaled record bytes one after another, as the frames measure them. Two arguments rather
 * than three a token: the client spends far longer building a command of 3,000 arguments than one
 * of the same bytes in two (measured: ioredis about 80 ms for 10,000 tokens), and Redis's
 * cmsgpack cannot read binary values, so the framing is this script's own.
 */
const DELETE_IF_UNCHANGED = `${GUARDS}
local checks = {{KEYS[1], 'hash', 'HDEL', KEYS[1], 'x'}, {KEYS[2], 'hash', 'HDEL', KEYS[2], 'x'}}
for i = 3, #KEYS do checks[#checks + 1] = {KEYS[i], 'set', 'SREM', KEYS[i], 'x'} end
local problem = refusal(unpack(checks))
if problem then return redis.error_reply(problem) end
local ids, records, positions = {}, {}, {}
local from = 1
for idBytes, recordBytes, at in string.gmatch(ARGV[1], '(%d+):(%d+):(%d+)') do
  local recordFrom = from + tonumber(idBytes)
  from = recordFrom + tonumber(recordBytes)
  ids[#ids + 1] = string.sub(ARGV[2], recordFrom - tonumber(idBytes), recordFrom - 1)
  records[#records + 1] = string.sub(ARGV[2], recordFrom, from - 1)
  positions[#positions + 1] = tonumber(at)
end
if #ids == 0 then return {} end
if from ~= #ARGV[2] + 1 then return redis.error_reply('the delete batch does not add up; nothing was deleted') end
local current = redis.call('HMGET', KEYS[1], unpack(ids))
local gone, byIndex, skipped = {}, {}, {}
for n, id in ipairs(ids) do
  if current[n] == records[n] then
    gone[#gone + 1] = id
    local at = positions[n]
    byIndex[at] = byIndex[at] or {}
    byIndex[at][#byIndex[at] + 1] = id
  else
    skipped[#skipped + 1] = id
  end
end
if #gone > 0 then
  local reply = redis.pcall('HDEL', KEYS[1], unpack(gone))
  if type(reply) == 'table' and reply.err then return reply end
  redis.call('HDEL', KEYS[2], unpack(gone))
  for at, members in pairs(byIndex) do redis.call('SREM', KEYS[at], unpack(members)) end
end
return skipped
`;

/**
 * Whether each id is in its index set, for a snapshot: one script per 1000 ids instead of 1000
 * SISMEMBER commands (SMISMEMBER would need Redis 6.2). Reads only.
 * KEYS: the index keys. ARGV: per token, id and the position in KEYS of its index key.
 */
const MEMBERSHIP = `
local found = {}
for i = 1, #ARGV, 2 do
  found[#found + 1] = redis.call('SISMEMBER', KEYS[tonumber(ARGV[i + 1])], ARGV[i])
end
return found
`;

/**
 * Restore one journaled token: written back only where the hash field is empty or already holds
 * the journaled bytes (then only what is missing is added), so restoring twice changes nothing and
 * a token that exists again with other bytes is never overwritten.
 * KEYS: tokens, access, index. ARGV: id, record, access, has-access ('1'/'0'), indexed ('1'/'0').
 * Returns 'restored', 'unchanged' or 'conflict'.
 */
const RESTORE = `${GUARDS}
local problem = refusal(
  {KEYS[1], 'hash', 'HSET', KEYS[1], ARGV[1], ARGV[2]},
  {KEYS[2], 'hash', 'HSET', KEYS[2], ARGV[1], ARGV[3]},
  {KEYS[3], 'set', 'SADD', KEYS[3], ARGV[1]})
if problem then return redis.error_reply(problem) end
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current and current ~= ARGV[2] then return 'conflict' end
local writes = {}
if not current then writes[#writes + 1] = {'HSET', KEYS[1], ARGV[1], ARGV[2]} end
if ARGV[4] == '1' and (not current or redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0) then
  writes[#writes + 1] = {'HSET', KEYS[2], ARGV[1], ARGV[3]}
end
if ARGV[5] == '1' and redis.call('SISMEMBER', KEYS[3], ARGV[1]) == 0 then
  writes[#writes + 1] = {'SADD', KEYS[3], ARGV[1]}
end
if #writes == 0 then return 'unchanged' end
local reply = writeAll(unpack(writes))
if type(reply) == 'table' and reply.err then return reply end
return 'restored'
`;

/** A connection (and its pipelines) with the write scripts; EVALSHA after the first use. */
export type ScriptedRedis = Redis & {
	eeProvision(tokens: string, access: string, index: string, id: string, record: Buffer, emptyAccess: Buffer): Promise<unknown>;
	/** numberOfKeys first: the key count depends on the batch. */
	eeDeleteIfUnchanged(numberOfKeys: number, ...args: Array<string | Buffer>): Promise<unknown>;
	/** numberOfKeys first: the key count depends on the batch. */
	eeImportBatch(numberOfKeys: number, ...args: Array<string | Buffer>): Promise<unknown>;
	eeMembership(numberOfKeys: number, ...args: Array<string | Buffer>): Promise<unknown>;
};

export type ScriptedPipeline = ReturnType<Redis['pipeline']> & {
	eeRestore(...args: Array<string | Buffer>): unknown;
};

/** Teaches the connection the scripts; done once, by the token store that owns the connection. */
export function defineWriteScripts(redis: Redis): void {
	redis.defineCommand('eeProvision', {numberOfKeys: 3, lua: PROVISION});
	redis.defineCommand('eeImportBatch', {lua: IMPORT_BATCH});
	redis.defineCommand('eeDeleteIfUnchanged', {lua: DELETE_IF_UNCHANGED});
	redis.defineCommand('eeMembership', {lua: MEMBERSHIP});
	redis.defineCommand('eeRestore', {numberOfKeys: 3, lua: RESTORE});
}
