import {Text} from 'ink';
import {useEffect, useRef, useState} from 'react';
import {type TokenStore, copyPlanned, planCopyOf} from '../../store/index.js';
import {displayText, tokenCount} from '../../format/index.js';
import {oneLine} from '../../tokens/index.js';
import {Footer} from '../components/footer.js';
import {Frame, Message, Title} from '../components/frame.js';
import {PRIORITY, useKeypress} from '../hooks/keypress.js';
import {Command, commandIn} from '../keymap.js';
import {type CopyState, copyRefusal, planLines, resultLines} from '../state/copy-to.js';
import {type Selection, hiddenText} from '../state/rows.js';
import type {CloseDialog} from './close-options.js';
import {type InstanceChoice, InstancePicker} from './instances.js';

/** Another instance, opened for a copy: its store, closed when the dialog is done with it. */
export type CopyTarget = {store: TokenStore; close: () => Promise<void>};

/** The config file's instances, and how to open one to copy to (the entry resolves it: the app may not read the file). */
export type CopyTargets = {
	choices: readonly InstanceChoice[];
	/** The instance the app is on. */
	current?: string;
	open: (name: string) => Promise<CopyTarget>;
};

/**
 * C: the marked tokens (or the one under the cursor) copied to another instance. The instance is
 * opened only once picked, its plan read and shown, and nothing is written before Enter; the copy
 * is `ee-tokens sync`'s (store/copying.ts), so a token there is never overwritten.
 */
export function CopyToScreen({
	store,
	selection,
	targets,
	width,
	height,
	onClose,
}: {
	store: TokenStore;
	selection: Selection;
	targets: CopyTargets;
	width: number;
	height: number;
	onClose: CloseDialog;
}) {
	const [state, setState] = useState<CopyState>({step: 'choose'});
	const opened = useRef<CopyTarget | undefined>(undefined);
	const mounted = useRef(true);
	const planning = useRef(0);
	const release = () => {
		const target = opened.current;
		opened.current = undefined;
		void target?.close().catch(() => {});
	};

	useEffect(
		() => () => {
			mounted.current = false;
			release();
		},
		// Once: the connection opened for the copy goes with the dialog.
		[],
	);
	const ids = selection.targets.map(target => target.id);
	const pick = (name: string) => {
		const choice = targets.choices.find(candidate => candidate.name === name)!;
		const refusal = copyRefusal(choice, targets.current);
		if (refusal) {
			setState({step: 'choose', status: refusal});
			return;
		}

		setState({step: 'planning', name});
		// Which plan is wanted: Esc while one is read gives it up, and what it brings later is let go.
		const asked = ++planning.current;
		const wanted = () => mounted.current && planning.current === asked;
		void (async () => {
			try {
				const target = await targets.open(name);
				if (!wanted()) {
					await target.close();
					return;
				}

				opened.current = target;
				const plan = await planCopyOf(store, target.store, ids, store.now());
				if (wanted()) {
					setState({step: 'confirm', name, plan});
				}
			} catch (error) {
				if (wanted()) {
					release();
					setState({step: 'failed', name, message: displayText(oneLine(error), 400)});
				}
			}
		})();
	};

	const copy = (name: string, plan: Extract<CopyState, {step: 'confirm'}>['plan']) => {
		const target = opened.current;
		if (!target) {
			return;
		}

		setState({step: 'copying', name, plan});
		void copyPlanned(target.store, plan).then(
			result => {
				if (mounted.current) {
					setState({step: 'done', name, ...resultLines(name, plan, result)});
				}
			},
			(error: unknown) => {
				if (mounted.current) {
					setState({step: 'failed', name, message: displayText(oneLine(error), 400)});
				}
			},
		);
	};

	useKeypress(
		key => {
			switch (state.step) {
				case 'confirm': {
					const command = commandIn('copy-confirm', key);
					if (command === Command.Confirm) {
						if (state.plan.copy.length === 0) {
							onClose({});
						} else {
							copy(state.name, state.plan);
						}
					} else if (command === Command.Back) {
						release();
						setState({step: 'choose'});
					}

					break;
				}

				case 'done':
				case 'failed': {
					const command = commandIn('copy-done', key);
					if (command === Command.Done || command === Command.Close) {
						onClose(state.step === 'done' ? {said: state.said} : {});
					}

					break;
				}

				case 'planning': {
					// A slow Redis there need not be waited out: Esc picks another instance.
					if (commandIn('copy-confirm', key) === Command.Back) {
						planning.current++;
						release();
						setState({step: 'choose'});
					}

					break;
				}

				default: {
					// While the copy runs, keys wait for nothing (it is never left half done): Ctrl-C still quits.
					break;
				}
			}

			return true;
		},
		PRIORITY.dialog,
		state.step !== 'choose',
	);

	const what = selection.marked
		? ids.length === 1
			? 'the marked token'
			: `the ${ids.length.toLocaleString('en-US')} marked tokens`
		: 'this token';
	if (state.step === 'choose') {
		return (
			<InstancePicker
				view="copy-choose"
				title={`Copy ${what} to which instance? Nothing is written before you confirm.`}
				note=" * the instance the app is on (a token there is never overwritten)"
				choices={targets.choices}
				current={targets.current}
				// The cursor starts on the first instance a copy can go to, not on the one the app is on.
				start={targets.choices.find(choice => copyRefusal(choice, targets.current) === undefined)?.name}
				status={state.status}
				width={width}
				height={height}
				onPick={pick}
				onClose={() => onClose({})}
			/>
		);
	}

	const body = (() => {
		switch (state.step) {
			case 'planning': {
				return <Text wrap="truncate">{` Reading what ${state.name} holds under these ids… Esc picks another instance.`}</Text>;
			}

			case 'confirm': {
				const hidden = hiddenText(selection);
				return (
					<>
						{hidden ? <Message kind="warning">{hidden}</Message> : null}
						{planLines(state.plan).map((line, index) => (
							<Text key={index} wrap="truncate">{` ${line}`}</Text>
						))}
						<Text> </Text>
						<Message kind="hint">
							{state.plan.copy.length === 0
								? 'Nothing to copy: Enter closes.'
								: `Enter copies ${tokenCount(state.plan.copy.length)} to ${state.name}; Esc picks another instance.`}
						</Message>
					</>
				);
			}

			case 'copying': {
				return <Text wrap="truncate">{` Copying ${tokenCount(state.plan.copy.length)} to ${state.name}…`}</Text>;
			}

			case 'done': {
				return state.lines.map((line, index) => (
					<Message key={index} kind={index === 0 ? 'success' : 'warning'}>
						{line}
					</Message>
				));
			}

			case 'failed': {
				return <Message kind="error">{`Could not copy to ${state.name}: ${state.message}. Nothing more was written.`}</Message>;
			}
		}
	})();
	return (
		<>
			<Frame height={height}>
				<Title>{`Copy ${what} to ${state.name}`}</Title>
				<Text> </Text>
				{body}
			</Frame>
			<Footer view={state.step === 'confirm' ? 'copy-confirm' : 'copy-done'} width={width} />
		</>
	);
}
