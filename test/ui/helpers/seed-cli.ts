// Seeds a Redis for manual checks: node --import tsx test/ui/helpers/seed-cli.ts URL COUNT [--hostile]
// --hostile adds the hostile records of hostile.ts and prints an export string carrying one.
import {Redis} from 'ioredis';
import {escapesExportString, writeHostileRecords} from './hostile.js';
import {seedTokens} from './seed.js';

const args = process.argv.slice(2);
const hostile = args.includes('--hostile');
const [url = 'redis://127.0.0.1:6379/8', count = '6'] = args.filter(arg => arg !== '--hostile');
const started = performance.now();
const seeded = await seedTokens(url, Number(count));
process.stderr.write(`seeded ${seeded.length} tokens in ${Math.round(performance.now() - started)} ms\n`);
if (hostile) {
	const redis = new Redis(url);
	await writeHostileRecords(redis);
	redis.disconnect();
	process.stdout.write(`${escapesExportString()}\n`);
}
