import {failureText} from '../errors.js';
import {Text} from 'ink';
import {useEffect} from 'react';
import type {TokenStore} from '../../store/index.js';
import {SCOPES, describeScopes, permissionWarnings, presetPermissions, restrictionWarnings} from '../../tokens/index.js';
import {NO_EXPIRY, displayText, permissionSentence, shortDate} from '../../format/index.js';
import {Footer} from '../components/footer.js';
import {Fields, Frame, Message, Title} from '../components/frame.js';
import {TextField} from '../components/text-field.js';
import {TokenShown} from '../components/token-shown.js';
import {useRefReducer} from '../hooks/use-ref-reducer.js';
import {restrictionLines, wrappedLines} from '../state/details.js';
import {
	type IssueState,
	PERMISSION_CHOICES,
	type PermissionChoice,
	STEP_HELP,
	STEP_TITLES,
	accountMissing,
	accountSuggestions,
	initialIssueState,
	issueReducer,
	type IssueRequest,
	issueView,
	stepsOf,
} from '../state/issue-wizard.js';
import {theme} from '../theme.js';
import type {CloseDialog} from './close-options.js';
import {useShownOnceKeys} from '../hooks/use-shown-once-keys.js';

const SCOPE_LABELS: Record<string, string> = {
	'*': 'all scopes',
	api: 'API',
	metrics: 'metrics (Prometheus)',
	smtp: 'SMTP submission',
	'imap-proxy': 'IMAP proxy',
	mcp: 'MCP',
};

/** What each choice of the permissions step allows, as the details view says it. */
const choiceText = (choice: PermissionChoice): string =>
	choice === 'none'
		? 'not narrowed: whatever the scopes reach'
		: choice === 'custom'
			? 'type the actions and groups on the next step'
			: permissionSentence(presetPermissions(choice));

/** The review of the request the wizard will issue, as people read it. */
function reviewLines(request: IssueRequest): Array<[string, string]> {
	return [
		['description', displayText(request.description)],
		['scopes', describeScopes(request.scopes)],
		['account', request.account === undefined ? 'all accounts' : displayText(request.account)],
		['expires', request.expires === undefined ? NO_EXPIRY : `${shortDate(request.expires)} UTC`],
		...restrictionLines(request.restrictions),
		...wrappedLines('may do', permissionSentence(request.permissions)),
	];
}

/** The wizard as it looks in one state (pure: tests render it without a store or keys). */
export function IssueWizardView({state, width, height}: {state: IssueState; width: number; height: number}) {
	const steps = stepsOf(state);
	const index = steps.indexOf(state.step);
	const progress = index === -1 ? '' : ` — step ${index + 1} of ${steps.length}`;
	let body;
	switch (state.step) {
		case 'scopes': {
			body = (
				<>
					<Text> Space toggles, Enter goes on. `*` grants every scope.</Text>
					{SCOPES.map((scope, position) => (
						<Text key={scope} inverse={position === state.scopeCursor} wrap="truncate">
							{position === state.scopeCursor ? ` ${theme.symbols.selected} ` : '   '}
							{state.scopes.includes(scope) ? theme.symbols.checked : theme.symbols.unchecked} {scope.padEnd(11)} {SCOPE_LABELS[scope]}
						</Text>
					))}
				</>
			);
			break;
		}

		case 'permissions': {
			body = (
				<>
					<Text> What the token may do; ↑↓ choose, Enter goes on.</Text>
					{PERMISSION_CHOICES.map((choice, position) => (
						<Text key={choice} inverse={position === state.permissionCursor} wrap="truncate">
							{position === state.permissionCursor ? ` ${theme.symbols.selected} ` : '   '}
							{choice.padEnd(11)} {choiceText(choice)}
						</Text>
					))}
					<Text> </Text>
					{/* The choice under the cursor said whole: the list cuts long sentences at the edge. */}
					<Text wrap="wrap"> {choiceText(PERMISSION_CHOICES[state.permissionCursor] ?? 'none')}</Text>
				</>
			);
			break;
		}

		case 'review':
		case 'issuing': {
			// What the CLI says out loud before issuing, word for word (tokens/validation.ts).
			const warnings = state.request
				? [...restrictionWarnings(state.request.restrictions), ...permissionWarnings(state.request.scopes, state.request.permissions)]
				: [];
			body = (
				<>
					<Text> Enter issues the token, Esc goes back to change something.</Text>
					<Text> </Text>
					{state.request ? <Fields lines={reviewLines(state.request)} /> : null}
					{warnings.map(warning => (
						<Message key={warning} kind="warning">
							Warning: {warning}
						</Message>
					))}
					{state.step === 'issuing' ? <Message kind="info">Issuing…</Message> : null}
				</>
			);
			break;
		}

		case 'shown': {
			body = <TokenShown shown={state.issued ?? {token: '', id: ''}} notice={state.notice} width={width} />;
			break;
		}

		default: {
			const step = state.step;
			const suggestions = step === 'account' ? accountSuggestions(state) : [];
			body = (
				<>
					<Message kind="hint">{STEP_HELP[step]}</Message>
					<Text> </Text>
					<TextField label={STEP_TITLES[step]} value={state.fields[step]} caret={state.caret} width={width} />
					{suggestions.length > 0 ? (
						<Text color={theme.muted} wrap="truncate">
							{'   '}known accounts: {suggestions.map(id => displayText(id, 64)).join(', ')} (Tab completes)
						</Text>
					) : null}
					{step === 'account' && accountMissing(state) && state.error === undefined ? (
						<Text color={theme.warning} wrap="truncate">
							{'   '}no account {displayText(state.fields.account.trim(), 64)} on this instance
						</Text>
					) : null}
				</>
			);
		}
	}

	return (
		<Frame height={height}>
			<Title>
				New token{progress}: {STEP_TITLES[state.step]}
			</Title>
			<Text> </Text>
			{body}
			{state.error ? <Message kind="error">{state.error}</Message> : null}
		</Frame>
	);
}

export type IssueWizardProps = {
	store: TokenStore;
	width: number;
	height: number;
	onClose: CloseDialog;
	/** The clock a typed expiry counts from, read as each key arrives. */
	clock?: () => number;
};

/**
 * The issue wizard. The raw token lives only in this component's state, from the store's answer
 * to the close of the shown-once step; then the state drops it and the app repaints every cell.
 */
export function IssueWizard({store, width, height, onClose, clock = Date.now}: IssueWizardProps) {
	const [state, dispatch, ref] = useRefReducer(issueReducer, initialIssueState);

	useEffect(() => {
		store
			.accountIds()
			.then(ids => dispatch({type: 'accounts', ids}))
			.catch(() => {});
	}, [store, dispatch]);

	// Whether the account typed exists (iad:{account}, as EmailEngine and review judge it), asked as
	// it is typed, so Enter can warn of a typo. A failed read warns of nothing: the issue goes on.
	const typedAccount = state.step === 'account' ? state.fields.account.trim() : '';
	useEffect(() => {
		if (typedAccount === '') {
			return;
		}

		let current = true;
		store
			.accountExists(typedAccount)
			.then(exists => current && dispatch({type: 'accountChecked', account: typedAccount, exists}))
			.catch(() => {});
		return () => {
			current = false;
		};
	}, [store, dispatch, typedAccount]);

	useEffect(() => {
		if (state.step !== 'issuing') {
			return;
		}

		// Exactly what the review showed: the request was made when the wizard moved to it.
		const {request} = ref.current;
		if (!request) {
			return;
		}

		store
			.issue(request)
			.then(({rawToken, id}) => dispatch({type: 'issued', token: rawToken, id}))
			.catch((error: unknown) => dispatch({type: 'failed', message: `Could not issue the token: ${failureText(error)}.`}));
	}, [state.step, store, dispatch, ref]);

	useShownOnceKeys(
		ref,
		dispatch,
		key => ({type: 'key' as const, key, now: clock()}),
		onClose,
		({request}) => `Issued "${request?.description ?? ''}"`,
	);

	return (
		<>
			<IssueWizardView state={state} width={width} height={height} />
			<Footer view={issueView(state.step)} width={width} />
		</>
	);
}
