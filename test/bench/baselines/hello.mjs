// Baseline for the server's request rate: a bare node:http hello world.
import {createServer} from 'node:http';

const server = createServer((_request, response) => {
	response.writeHead(200, {'content-type': 'application/json'});
	response.end('{"hello":"world"}');
});
server.listen(Number(process.argv[2]), '127.0.0.1', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
