// Seeds a Redis for manual checks: node --import tsx test/ui/helpers/seed-cli.ts URL COUNT
import {seedTokens} from './seed.js';

const [url = 'redis://127.0.0.1:6379/8', count = '6'] = process.argv.slice(2);
const started = performance.now();
const seeded = await seedTokens(url, Number(count));
process.stderr.write(`seeded ${seeded.length} tokens in ${Math.round(performance.now() - started)} ms\n`);
