import {Text} from 'ink';
import {Fragment, type ReactNode, useEffect, useState} from 'react';
import type {TokenStore} from '../../store/index.js';
import {displayText} from '../../format/index.js';
import {failureText} from '../errors.js';
import {Footer} from '../components/footer.js';
import {Fields, Frame, Title} from '../components/frame.js';
import {wrapText} from '../../format/cells.js';
import {TextField} from '../components/text-field.js';
import {PRIORITY, useKeypress} from '../hooks/keypress.js';
import {useRefReducer} from '../hooks/use-ref-reducer.js';
import {wrappedLines} from '../state/details.js';
import type {AnswerText, RouteAnswer} from '../../format/request-answer.js';
import {
	REQUEST_FIELDS,
	REQUEST_HINTS,
	REQUEST_TITLES,
	type RequestCheckState,
	type RequestChecks,
	requestCheckReducer,
} from '../state/request-check.js';
import {theme} from '../theme.js';

/**
 * The answer's fields, long sentences (what the token may do, a note) wrapped rather than cut; the
 * token's id is the title's.
 */
const answerLines = (answer: AnswerText) =>
	answer.fields.filter(([label]) => label !== 'token').flatMap(([label, value]) => wrappedLines(label, value));

/** The view as it looks for one state and its answers (pure: tests render it without a store). */
export function RequestCheckView({
	id,
	state,
	answer,
	routes,
	width,
	height,
}: {
	id: string;
	state: RequestCheckState;
	/** The answer to the fields as they are, or the one line saying why there is none; undefined while asked. */
	answer: AnswerText | string | undefined;
	routes: RouteAnswer[] | string | undefined;
	width: number;
	height: number;
}) {
	// One element per screen line, cut to the height: Ink shrinks a column that does not fit, and
	// its lines then overlap (60x15, the smallest size, has room for less than all of this).
	const lines: ReactNode[] = [];
	const paragraph = (text: string, color: string | undefined) => {
		for (const line of wrapText(displayText(text, 2000), width - 2)) {
			lines.push(
				<Text color={color} wrap="truncate">
					{` ${line}`}
				</Text>,
			);
		}
	};

	lines.push(<Title>May token {displayText(id.slice(0, 12))}… make this request? (serve&apos;s checks)</Title>);
	paragraph(REQUEST_HINTS[state.focus], theme.muted);
	for (const field of REQUEST_FIELDS) {
		lines.push(
			field === state.focus ? (
				<TextField label={REQUEST_TITLES[field].padEnd(9)} value={state.fields[field]} caret={state.caret} width={width} />
			) : (
				<Text wrap="truncate">
					{` ${REQUEST_TITLES[field].padEnd(9)}   ${state.fields[field] === '' ? '(none)' : displayText(state.fields[field], 200)}`}
				</Text>
			),
		);
	}

	lines.push(<Text> </Text>);
	if (answer === undefined) {
		lines.push(<Text color={theme.muted}> Checking…</Text>);
	} else if (typeof answer === 'string') {
		paragraph(answer, theme.warning);
	} else {
		// Wrapped, not cut: a refusal's status and message end the line.
		paragraph(`${answer.allowed ? '✓' : '✗'} ${answer.headline}`, answer.allowed ? theme.success : theme.danger);
		for (const line of answerLines(answer)) {
			lines.push(<Fields lines={[line]} />);
		}
	}

	lines.push(
		<Text> </Text>,
		<Text bold wrap="truncate">
			{` Every route, for the token's own account${state.fields.ip.trim() === '' ? ', from no address' : `, from ${displayText(state.fields.ip.trim(), 60)}`}:`}
		</Text>,
	);
	if (routes === undefined) {
		lines.push(<Text color={theme.muted}> Checking…</Text>);
	} else if (typeof routes === 'string') {
		paragraph(routes, theme.warning);
	} else {
		for (const route of routes) {
			lines.push(
				// The verdict first, a fixed column: a long group of routes is cut at its end, never the verdict.
				<Text wrap="truncate">
					<Text color={route.allowed ? theme.success : theme.danger}>{` ${route.allowed ? '✓' : '✗'} ${route.verdict.padEnd(11)}`}</Text>
					{route.routes}
				</Text>,
			);
		}
	}

	return (
		<Frame height={height}>
			{lines.slice(0, Math.max(0, height)).map((line, index) => (
				// Lines have no identity but their place.
				<Fragment key={index}>{line}</Fragment>
			))}
		</Frame>
	);
}

export type RequestCheckScreenProps = {
	store: TokenStore;
	checks: RequestChecks;
	id: string;
	/** What the check starts with (initialRequestCheck of the token's row). */
	initial: RequestCheckState;
	/** Changes when the table reloads: the answers are asked again (a write, a request counted meanwhile). */
	version: unknown;
	width: number;
	height: number;
	onClose: () => void;
	clock?: () => number;
};

/**
 * `t`: whether the token may make a request, answered by `ee-tokens can`'s own code (read only:
 * no last use, no audit entry, no request counted) as the fields change, and every route at once.
 */
export function RequestCheckScreen({
	store,
	checks,
	id,
	initial,
	version,
	width,
	height,
	onClose,
	clock = Date.now,
}: RequestCheckScreenProps) {
	const [state, dispatch, ref] = useRefReducer(requestCheckReducer, initial);
	const [answer, setAnswer] = useState<AnswerText | string | undefined>(undefined);
	const [routes, setRoutes] = useState<RouteAnswer[] | string | undefined>(undefined);
	const {fields} = state;
	const {ip, referer} = fields;

	useEffect(() => {
		// Only the answer to the fields as they are now is shown: a slower answer to an earlier text is dropped.
		let current = true;
		checks.ask(store, id, fields, clock()).then(
			text => current && setAnswer(text),
			(error: unknown) => current && setAnswer(failureText(error)),
		);
		return () => {
			current = false;
		};
	}, [checks, store, id, fields, version, clock]);

	useEffect(() => {
		let current = true;
		checks.routes(store, id, {ip, referer}, clock()).then(
			list => current && setRoutes(list),
			(error: unknown) => current && setRoutes(`Could not judge the routes: ${failureText(error)}`),
		);
		return () => {
			current = false;
		};
	}, [checks, store, id, ip, referer, version, clock]);

	useKeypress(key => {
		dispatch(key);
		// Closed in the key's own turn (see the issue wizard).
		if (ref.current.closed) {
			onClose();
		}

		return true;
	}, PRIORITY.dialog);

	return (
		<>
			<RequestCheckView id={id} state={state} answer={answer} routes={routes} width={width} height={height} />
			<Footer view="request-check" width={width} />
		</>
	);
}
