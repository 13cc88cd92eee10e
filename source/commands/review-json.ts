import {type Finding, LEVELS, type Level, escapeUnsafe, highestLevel} from '../tokens/index.js';

/** A token's severity as a small integer: its level's place in LEVELS, or NONE without findings. */
const NONE = LEVELS.length;
/** The bytes one chunk of the store holds; a longer line (a hostile description) gets a chunk of its own. */
const CHUNK = 4 * 2 ** 20;
/** Written lines per output chunk, as the other JSON writers do (commands/output.ts). */
const LINES_PER_WRITE = 1000;
/** Where the id starts in a line: after `{"id":"`. */
const ID_AT = 7;
const QUOTE = 0x22;
/** A line whose findings' text is in the store right after it, not among the shared texts. */
const OWN_TAIL = -1;

/** A node of the shared findings texts: a list of findings, a finding at a time (findingsTail). */
type TailNode = {tail?: number; next: Map<Finding, TailNode>};

/**
 * `review --json` as it is read, packed: each token's line is made as soon as it is reviewed and
 * kept as UTF-8 bytes in a few large buffers, with per token only what ordering it needs (its id's
 * bytes, its severity, where its line is) in typed arrays. The review is printed most severe first,
 * so every token is read before the first line; kept as objects (a token, its strings and its
 * findings), a million tokens were a few million objects that every full collection walked again,
 * and collections were most of the review's time. Kept as bytes, the heap holds no object per
 * token, as the app's table keeps its rows packed (store/summary-pack.ts).
 *
 * A line is written by hand, in the order JSON.stringify would write the object: the token's own
 * part (id, description, account, as they come from Redis) and the text of its level and findings,
 * which most tokens share: those texts are made once and kept once (findingsTail), and copied into
 * the output as it is written. Only those parts are escaped (escapeUnsafe), not the whole: it
 * replaces single characters, and the text around them has none to replace, so the bytes are the
 * same as escaping the whole line.
 */
export class ReviewJsonLines {
	/** Every shared findings text (the end of a line), by number. */
	private readonly tails: Buffer[] = [];
	private readonly tailNodes: TailNode = {next: new Map()};
	private tailNodesKept = 0;
	private chunk: Buffer = Buffer.alloc(0);
	private readonly chunks: Buffer[] = [this.chunk];
	private used = 0;
	private count = 0;
	// Per token: its chunk, where its id starts and ends, where its line starts and ends, its shared text, its severity.
	private chunkOf = new Uint32Array(1024);
	private idStart = new Uint32Array(1024);
	private idEnd = new Uint32Array(1024);
	private lineStart = new Uint32Array(1024);
	private lineEnd = new Uint32Array(1024);
	private tailOf = new Int32Array(1024);
	private rankOf = new Uint8Array(1024);

	/**
	 * Keeps a reviewed token and returns its number. A token without findings keeps only its id, so
	 * that an id read twice is still counted once (the store orders and de-duplicates by id).
	 */
	add(id: string, findings: readonly Finding[], description: unknown, account: unknown): number {
		const index = this.count++;
		if (index === this.rankOf.length) {
			this.grow();
		}

		const level = highestLevel(findings);
		const head =
			level === undefined
				? ''
				: escapeUnsafe(
						`{"id":${JSON.stringify(id)},"description":${JSON.stringify(description ?? null)},"account":${JSON.stringify(account)}`,
					);
		const tail = level === undefined ? undefined : this.findingsTail(findings, level);
		// At most 3 bytes of UTF-8 per UTF-16 unit.
		const most = (id.length + head.length) * 3 + (typeof tail === 'number' ? 0 : (tail?.length ?? 0));
		if (this.used + most > this.chunk.length) {
			this.chunks.push((this.chunk = Buffer.allocUnsafe(Math.max(CHUNK, most))));
			this.used = 0;
		}

		const {chunk} = this;
		const start = this.used;
		let at = start;
		this.chunkOf[index] = this.chunks.length - 1;
		this.lineStart[index] = start;
		const headBytes = level === undefined ? 0 : chunk.write(head, at, 'utf8');
		at += headBytes;
		if (typeof tail === 'number') {
			this.tailOf[index] = tail;
		} else {
			this.tailOf[index] = OWN_TAIL;
			if (tail) {
				chunk.set(tail, at);
				at += tail.length;
			}
		}

		this.lineEnd[index] = at;
		// The id is in the line as it is, after `{"id":"`, when JSON and escaping left it so (every id
		// EmailEngine makes, 64 hex digits) and the line is ASCII (as many bytes as characters), so its
		// bytes are its characters. Any other id is kept after the line, as UTF-8: it was decoded from
		// Redis's bytes (well-formed), so it reads back the same.
		if (headBytes === head.length && head.charCodeAt(ID_AT + id.length) === QUOTE && head.startsWith(id, ID_AT)) {
			this.idStart[index] = start + ID_AT;
			this.idEnd[index] = start + ID_AT + id.length;
		} else {
			this.idStart[index] = at;
			at += chunk.write(id, at, 'utf8');
			this.idEnd[index] = at;
		}

		this.used = at;
		this.rankOf[index] = level === undefined ? NONE : LEVELS.indexOf(level);
		return index;
	}

	/** The id of token `index` (the store orders tokens by it). */
	id(index: number): string {
		return this.chunks[this.chunkOf[index]!]!.toString('utf8', this.idStart[index], this.idEnd[index]);
	}

	level(index: number): Level | undefined {
		return LEVELS[this.rankOf[index]!];
	}

	/** The tokens with findings, most severe first, tokens of one level in the order given (id descending). */
	bySeverity(order: readonly number[]): Uint32Array {
		// Each level's place in the result: counted first, then filled in order.
		const starts = new Array<number>(NONE + 1).fill(0);
		for (const index of order) {
			starts[this.rankOf[index]! + 1]!++;
		}

		for (let rank = 1; rank <= NONE; rank++) {
			starts[rank]! += starts[rank - 1]!;
		}

		const sorted = new Uint32Array(starts[NONE]!);
		for (const index of order) {
			const rank = this.rankOf[index]!;
			if (rank !== NONE) {
				sorted[starts[rank]!++] = index;
			}
		}

		return sorted;
	}

	/**
	 * The lines of `order`, a thousand a chunk, each chunk one buffer of UTF-8 bytes, lines joined by
	 * ",\n" (for writeEscapedJsonBodies).
	 */
	*json(order: ArrayLike<number>): Generator<Buffer> {
		for (let start = 0; start < order.length; start += LINES_PER_WRITE) {
			const end = Math.min(order.length, start + LINES_PER_WRITE);
			let size = 0;
			for (let at = start; at < end; at++) {
				size += this.lineLength(order[at]!) + 2;
			}

			const out = Buffer.allocUnsafe(size);
			let written = 0;
			for (let at = start; at < end; at++) {
				const index = order[at]!;
				if (at > start) {
					out[written++] = 0x2c;
					out[written++] = 0x0a;
				}

				// set() of a subarray: Buffer's copy() makes a view of its own and checks its arguments, which cost more than the copy of a line.
				const from = this.lineStart[index]!;
				const to = this.lineEnd[index]!;
				out.set(this.chunks[this.chunkOf[index]!]!.subarray(from, to), written);
				written += to - from;
				const tail = this.tailOf[index]!;
				if (tail !== OWN_TAIL) {
					out.set(this.tails[tail]!, written);
					written += this.tails[tail]!.length;
				}
			}

			yield out.subarray(0, written);
		}
	}

	private lineLength(index: number): number {
		const tail = this.tailOf[index]!;
		return this.lineEnd[index]! - this.lineStart[index]! + (tail === OWN_TAIL ? 0 : this.tails[tail]!.length);
	}

	/**
	 * The rest of a token's line after its account (its level and findings, escaped, as UTF-8): the
	 * number of a shared text, made once per list of findings, as most tokens share a few lists of
	 * the same finding objects (tokens/findings.ts), looked up along the list a finding at a time.
	 * Bounded, since a finding that names a date or a count can be of one token alone: past the
	 * bound, the bytes themselves, which the line keeps.
	 */
	private findingsTail(findings: readonly Finding[], level: Level): number | Buffer {
		let node = this.tailNodes;
		for (const finding of findings) {
			let next = node.next.get(finding);
			if (!next) {
				if (this.tailNodesKept >= MAX_FINDINGS_TEXTS) {
					return findingsBytes(findings, level);
				}

				next = {next: new Map()};
				node.next.set(finding, next);
				this.tailNodesKept++;
			}

			node = next;
		}

		node.tail ??= this.tails.push(findingsBytes(findings, level)) - 1;
		return node.tail;
	}

	private grow(): void {
		const size = this.rankOf.length * 2;
		const grown = <A extends Uint32Array | Int32Array | Uint8Array>(array: A, make: new (size: number) => A): A => {
			const larger = new make(size);
			larger.set(array);
			return larger;
		};

		this.chunkOf = grown(this.chunkOf, Uint32Array);
		this.idStart = grown(this.idStart, Uint32Array);
		this.idEnd = grown(this.idEnd, Uint32Array);
		this.lineStart = grown(this.lineStart, Uint32Array);
		this.lineEnd = grown(this.lineEnd, Uint32Array);
		this.tailOf = grown(this.tailOf, Int32Array);
		this.rankOf = grown(this.rankOf, Uint8Array);
	}
}

const MAX_FINDINGS_TEXTS = 10_000;

const findingsBytes = (findings: readonly Finding[], level: Level): Buffer =>
	Buffer.from(
		`,"level":${JSON.stringify(level)},"findings":[${findings.map(finding => escapeUnsafe(JSON.stringify(finding))).join(',')}]}`,
	);
