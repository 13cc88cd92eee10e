import type {Redis} from 'ioredis';
import {GUARDS} from './write-scripts.js';

/**
 * The scripts that change a stored token in place: edit and rotate. Each is a compare-and-set on
 * the exact bytes read: it writes only if the record is still byte for byte what the caller read
 * and worked from, so two operators editing at once never lose an update (the second is told, and
 * nothing of it is written). Like the issue scripts (write-scripts.ts), each checks the keys' types
 * (and on Redis 7 the user's permissions) before its first write, so a refusal writes nothing.
 * Replies: 1 written, 0 the record changed since it was read.
 */

/**
 * Edit: the record under the id, replaced. KEYS: tokens. ARGV: id, expected record, new record.
 */
const REPLACE_IF_UNCHANGED = `${GUARDS}
local problem = refusal({KEYS[1], 'hash', 'HSET', KEYS[1], ARGV[1], ARGV[3]})
if problem then return redis.error_reply(problem) end
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
return writeAll({'HSET', KEYS[1], ARGV[1], ARGV[3]})
`;

/**
 * Rotate: the old record replaced by its retired form and the new token's trio written, in one
 * step; the two records go in one HSET, so the first write is all of the hash or none of it.
 * KEYS: tokens, access, the new token's index. ARGV: old id, expected old record, retired old
 * record, new id, new record, empty access record.
 */
const ROTATE_IF_UNCHANGED = `${GUARDS}
local problem = refusal(
  {KEYS[1], 'hash', 'HSET', KEYS[1], ARGV[1], ARGV[3], ARGV[4], ARGV[5]},
  {KEYS[2], 'hash', 'HSET', KEYS[2], ARGV[4], ARGV[6]},
  {KEYS[3], 'set', 'SADD', KEYS[3], ARGV[4]})
if problem then return redis.error_reply(problem) end
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
if redis.call('HEXISTS', KEYS[1], ARGV[4]) == 1 then return redis.error_reply('a token with the new id exists already; nothing was written') end
return writeAll(
  {'HSET', KEYS[1], ARGV[1], ARGV[3], ARGV[4], ARGV[5]},
  {'HSET', KEYS[2], ARGV[4], ARGV[6]},
  {'SADD', KEYS[3], ARGV[4]})
`;

export type RewritingRedis = Redis & {
	eeReplaceIfUnchanged(tokens: string, id: string, expected: Buffer, record: Buffer): Promise<number>;
	eeRotateIfUnchanged(
		tokens: string,
		access: string,
		index: string,
		oldId: string,
		expected: Buffer,
		retired: Buffer,
		newId: string,
		record: Buffer,
		emptyAccess: Buffer,
	): Promise<number>;
};

/** Teaches the connection the edit and rotate scripts; done once, by the token store. */
export function defineRewriteScripts(redis: Redis): void {
	redis.defineCommand('eeReplaceIfUnchanged', {numberOfKeys: 1, lua: REPLACE_IF_UNCHANGED});
	redis.defineCommand('eeRotateIfUnchanged', {numberOfKeys: 3, lua: ROTATE_IF_UNCHANGED});
}
