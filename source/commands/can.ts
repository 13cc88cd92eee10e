import {TokenError, isIpAddress, quoteTyped} from '../tokens/index.js';
import {ROUTES} from '../server/routes.js';
import {type CanAnswer, answerText, judge, parseRequest, peekedCount} from './request-answer.js';
import {EXIT} from './exit-codes.js';
import {defineCommand, jsonFlag} from './command.js';
import {safeJson} from './safe-json.js';
import {readTokenArgument} from './token-input.js';

const usage = (message: string) => new TokenError('usage', message);

/** The routes `serve` knows, one per line, for the help text and the unknown-route error. */
const ROUTE_LIST = ROUTES.map(
	route =>
		`	  ${route.method.padEnd(6)} ${route.template.padEnd(30)} ${route.auth ? `${route.auth.scopes.join(',')}, ${route.auth.permission.action} on ${route.auth.permission.group}` : 'no token needed'}`,
).join('\n');

export const canCommand = defineCommand({
	name: 'can',
	usage: `
	Usage
	  $ ee-tokens can -t ID_OR_TOKEN METHOD PATH [--account A] [--ip ADDR] [--referrer R] [--json]
	  $ ee-tokens can -t - GET /v1/stats < token.txt

	Answers whether a token may make a request of ee-tokens serve (and of EmailEngine), and if
	not, which check refuses it: token (its record cannot be read), expiry, scope, permission,
	account, address, referrer or rateLimit, in EmailEngine's order. The checks are the ones
	serve runs, the same code. Exit 0 when allowed, ${EXIT.denied} when refused.

	Options
	  -t, --token    The token's id (or its first 8+ characters) or raw token; - reads it
	                 from stdin (typed unseen on a terminal). With an id, the answer is the
	                 one its raw token would get
	  --account      The account the request names, for a route that takes it as a query
	                 argument (GET /v1/tokens); a path's {account} is read from PATH
	  --ip           The client address the request comes from; needed to judge a token
	                 with an IP allowlist
	  --referrer     The request's Referer header (none: tested as the text "undefined",
	                 as EmailEngine does)
	  --json         {"allowed","check","status","body",…}: body is serve's answer
	  --dbs.redis    Redis URL

	Read only: nothing is written. Last use is not recorded, no audit entry is made, and the
	rate limit is judged from the window's current counter without counting a request (the
	answer says whether one more request fits). The request's input is not validated: a
	request allowed here can still get serve's 400 for a bad parameter.

	Routes (METHOD PATH; PATH may end in ?query)
${ROUTE_LIST}

	Examples
	  $ ee-tokens can -t ea3873f9 GET /v1/stats
	  $ ee-tokens can -t ea3873f9 GET /v1/account/example --ip 10.0.0.7 --json
	  $ ee-tokens can -t ea3873f9 GET /v1/tokens --account example
`,
	flags: {
		token: {type: 'string', shortFlag: 't'},
		account: {type: 'string'},
		ip: {type: 'string'},
		referrer: {type: 'string'},
		...jsonFlag,
	},
	takesArguments: true,
	async run(cli, context) {
		const {flags} = cli;
		const [methodArgument, target, ...extra] = cli.input.map(String);
		if (methodArgument === undefined || target === undefined) {
			throw usage('Give the request: ee-tokens can -t TOKEN METHOD PATH (e.g. GET /v1/stats)');
		}

		if (extra.length > 0) {
			throw usage(`Unexpected argument ${quoteTyped(extra[0]!)}: give one METHOD and one PATH`);
		}

		if (flags.ip !== undefined && !isIpAddress(flags.ip.trim())) {
			throw usage(`--ip ${quoteTyped(flags.ip)} is not an IP address`);
		}

		const request = parseRequest(methodArgument, target, flags.account);
		const token = await readTokenArgument(flags.token, context);
		const now = context.now();
		const answer = await context.withStore(async ({store}) => {
			const entry = await store.resolve(await store.completeId(token), {allowUnreadable: true});
			return judge(entry, request, {clientIp: flags.ip?.trim(), referer: flags.referrer, now}, peekedCount(store, entry.id));
		});
		context.stdout.write(flags.json ? `${safeJson(answer)}\n` : describe(answer));
		return answer.allowed ? EXIT.ok : EXIT.denied;
	},
});

/** The answer for people: the verdict, then one padded line per field. */
function describe(answer: CanAnswer): string {
	const {headline, fields} = answerText(answer);
	return [headline, ...fields.map(([label, value]) => `  ${label.padEnd(12)} ${value}`)].map(line => `${line}\n`).join('');
}
