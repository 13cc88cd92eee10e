import {type Socket, createServer} from 'node:net';

export type Stalled = {port: number; url(db?: number): string; close(): Promise<void>};

/** A TCP server that accepts connections and never says a word: a Redis that hangs. */
export async function startStalled(): Promise<Stalled> {
	const sockets = new Set<Socket>();
	const server = createServer(socket => {
		sockets.add(socket);
		socket.on('error', () => {});
		// Reads (and ignores) what is sent, so a client's close is seen and answered: unread, it
		// left the client's socket half-closed until ioredis's own 10 s connect timeout, and
		// test/commands/in-process.test.ts counted it as left open.
		socket.resume();
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>(resolve => {
		server.listen(0, '127.0.0.1', resolve);
	});
	const {port} = server.address() as {port: number};
	return {
		port,
		url: (db = 8) => `redis://127.0.0.1:${port}/${db}`,
		async close() {
			for (const socket of sockets) {
				socket.destroy();
			}

			await new Promise<void>(resolve => {
				server.close(() => resolve());
			});
		},
	};
}
