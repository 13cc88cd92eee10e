import {Box, Text} from 'ink';
import {type ReactElement, useEffect, useMemo, useState} from 'react';
import {Footer} from '../components/footer.js';
import {Frame, Title} from '../components/frame.js';
import {PRIORITY, useKeypress} from '../hooks/keypress.js';
import {Command, commandIn} from '../keymap.js';
import type {TokenStore} from '../../store/index.js';
import {type ReviewedToken, highestLevel, oneLine, reviewToken, sortBySeverity} from '../../tokens/index.js';
import {fit, wrapWords} from '../../format/cells.js';
import {displayText, reviewTableLines} from '../../format/index.js';
import {theme} from '../theme.js';

/**
 * The review in the app (v): every token with findings, most severe first, each with its
 * findings' sentences as `ee-tokens review` writes them (format/review.ts), from the same store
 * read and the same rules (reviewRecords, reviewToken). A cursor on tokens: Enter opens the one
 * under it, Esc goes back.
 */
type Loaded = {status: 'loading'} | {status: 'failed'; message: string} | {status: 'ready'; tokens: ReviewedToken[]};

async function reviewAll(store: TokenStore, now: number): Promise<ReviewedToken[]> {
	const reviewed: ReviewedToken[] = [];
	for await (const chunk of store.reviewRecords()) {
		for (const {id, record, unreadable, lastUse, accountExists} of chunk) {
			const findings = reviewToken({record, unreadable, lastUse, accountExists, now});
			if (findings.length > 0) {
				reviewed.push({id, description: record?.['description'], account: record?.['account'] ?? null, findings});
			}
		}
	}

	return sortBySeverity(reviewed);
}

const LEVEL_COLOR = {high: theme.danger, medium: theme.warning, low: undefined} as const;

export function ReviewScreen({
	store,
	now,
	cursor: initialCursor,
	width,
	height,
	onClose,
	onOpen,
}: {
	store: TokenStore;
	now: number;
	cursor: number;
	width: number;
	height: number;
	onClose: () => void;
	/** Opens a token's details, with the cursor to come back to. */
	onOpen: (id: string, cursor: number) => void;
}) {
	const [loaded, setLoaded] = useState<Loaded>({status: 'loading'});
	const [cursor, setCursor] = useState(initialCursor);
	useEffect(() => {
		let live = true;
		reviewAll(store, now).then(
			tokens => live && setLoaded({status: 'ready', tokens}),
			(error: unknown) => live && setLoaded({status: 'failed', message: oneLine(error)}),
		);
		return () => {
			live = false;
		};
	}, [store, now]);

	const tokens = useMemo(() => (loaded.status === 'ready' ? loaded.tokens : []), [loaded]);
	// Each token's lines, as the CLI's table writes them at this width (the first is its id).
	const blocks = useMemo(() => tokens.map(token => reviewTableLines([token], width - 2, {fit, wrapWords})), [tokens, width]);
	const bodyHeight = Math.max(1, height - 2);
	useKeypress(key => {
		const command = commandIn('review', key);
		const last = Math.max(0, tokens.length - 1);
		const page = Math.max(1, Math.floor(bodyHeight / 4));
		switch (command) {
			case Command.Close: {
				onClose();
				break;
			}

			case Command.Up:
			case Command.Down:
			case Command.PageUp:
			case Command.PageDown: {
				const delta = {[Command.Up]: -1, [Command.Down]: 1, [Command.PageUp]: -page, [Command.PageDown]: page}[command];
				setCursor(current => Math.max(0, Math.min(last, current + delta)));
				break;
			}

			case Command.Details: {
				const token = tokens[Math.min(cursor, last)];
				if (token) {
					onOpen(token.id, cursor);
				}

				break;
			}

			default:
		}

		return true;
	}, PRIORITY.dialog);

	// The window starts at the token under the cursor's block, moved back while earlier blocks fit.
	const selected = Math.min(cursor, Math.max(0, tokens.length - 1));
	let start = selected;
	let used = blocks[selected]?.length ?? 0;
	while (start > 0 && used + 1 + blocks[start - 1]!.length <= bodyHeight) {
		start--;
		used += 1 + blocks[start]!.length;
	}

	const lines: ReactElement[] = [];
	for (let index = start; index < blocks.length && lines.length < bodyHeight; index++) {
		const token = tokens[index]!;
		const level = highestLevel(token.findings);
		for (const [number, line] of blocks[index]!.entries()) {
			if (lines.length >= bodyHeight) {
				break;
			}

			const text = fit(`${number === 0 ? (index === selected ? theme.symbols.selected : ' ') : ' '} ${line}`, width);
			lines.push(
				number === 0 && index === selected ? (
					<Text key={`${token.id}-${number}`} inverse bold wrap="truncate">
						{text}
					</Text>
				) : (
					<Text key={`${token.id}-${number}`} wrap="truncate" color={number === 0 && level ? LEVEL_COLOR[level] : undefined}>
						{text}
					</Text>
				),
			);
		}

		if (lines.length < bodyHeight) {
			lines.push(<Text key={`${token.id}-gap`}> </Text>);
		}
	}

	const count = tokens.length.toLocaleString('en-US');
	const status =
		loaded.status === 'loading'
			? 'Reading every token…'
			: loaded.status === 'failed'
				? `Could not read the tokens: ${displayText(loaded.message, 300)}. Esc goes back.`
				: tokens.length === 0
					? 'No token has a finding.'
					: `${Math.min(selected + 1, tokens.length)}/${count} tokens with findings, most severe first (as ee-tokens review)`;
	return (
		<>
			<Frame height={height}>
				<Title>Review</Title>
				<Box flexDirection="column" height={bodyHeight} overflowY="hidden">
					{lines}
				</Box>
				<Text wrap="truncate">{fit(` ${status}`, width)}</Text>
			</Frame>
			<Footer view="review" width={width} />
		</>
	);
}
