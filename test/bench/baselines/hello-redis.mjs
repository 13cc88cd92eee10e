// A reference for the server's request rate, not its baseline: the node:http hello world that
// waits for one Redis read (an HGET over ioredis, as serve's own connection makes it) before it
// answers. Any server that reads Redis per request pays at least this; serve reads the token and
// the settings, writes the last use and runs the route's own reads.
import {createServer} from 'node:http';
import {Redis} from 'ioredis';

const redis = new Redis(process.argv[3]);
const server = createServer((_request, response) => {
	redis.hgetBuffer('tokens', 'x').then(() => {
		response.writeHead(200, {'content-type': 'application/json'});
		response.end('{"hello":"world"}');
	});
});
await redis.ping();
server.listen(Number(process.argv[2]), '127.0.0.1', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
