import type {CopyResult, SyncPlan} from '../../store/index.js';
import {boundedLines, displayText, shortId, tokenCount} from '../../format/index.js';
import {oneLine} from '../../tokens/index.js';
import type {InstanceChoice} from '../screens/instances.js';

/**
 * Copying tokens to another instance (C): the marked rows (or the one under the cursor) go to an
 * instance of the config file through the import, as `ee-tokens sync` copies, never over a live
 * token. Pick the instance, read its plan, confirm, then what was done.
 */
export type CopyState =
	| {step: 'choose'; status?: string}
	| {step: 'planning'; name: string}
	| {step: 'confirm'; name: string; plan: SyncPlan}
	| {step: 'copying'; name: string; plan: SyncPlan}
	| {step: 'done'; name: string; lines: string[]; said: string}
	| {step: 'failed'; name: string; message: string};

/**
 * Why an instance cannot be copied to, or undefined when it can: the one the app is on (a copy
 * onto itself would do nothing and look done), or one that is read-only (it would be written).
 */
export function copyRefusal(choice: InstanceChoice, current: string | undefined): string | undefined {
	if (choice.name === current) {
		return `${choice.name} is the instance the app is on: pick another to copy to`;
	}

	return choice.readOnly ? `Instance ${choice.name} is read-only: copying would write to it; nothing was done` : undefined;
}

/**
 * Tokens named one by one per kind in the plan: the dialog's frame has a fixed height, and a copy of
 * hundreds of marked rows that mostly conflict must still show its Enter line (sync's plan bounds
 * its lists the same way).
 */
export const PLAN_NAMED = 3;

/** At most PLAN_NAMED lines of `items`, then how many more there are. */
const named = <T>(items: readonly T[], line: (item: T) => string, more: string): string[] =>
	boundedLines(items, PLAN_NAMED, line, count => `… and ${count} more ${more}`);

/** The plan in words: what will be copied and what will not, and why (text from Redis made display text). */
export function planLines(plan: SyncPlan): string[] {
	const lines = [
		`${tokenCount(plan.copy.length)} to copy${plan.copy.some(token => token.replacesExpired) ? ' (some over an expired record there)' : ''}`,
	];
	if (plan.same.length > 0) {
		lines.push(`${tokenCount(plan.same.length)} already there, the same: left alone`);
	}

	lines.push(
		...named(
			plan.conflicts,
			conflict => {
				const why =
					conflict.unreadable === undefined
						? conflict.fields.map(({field}) => field).join(', ')
						: `unreadable there: ${conflict.unreadable}`;
				return `kept: a different token under ${shortId(conflict.id)} there (${displayText(why, 200)})`;
			},
			'kept: a different token under the same id there',
		),
	);

	if (plan.expired.length > 0) {
		lines.push(`${tokenCount(plan.expired.length)} expired here: not copied`);
	}

	lines.push(
		...named(
			plan.unreadable,
			({id, reason}) => `not copied: ${shortId(id)} cannot be read here (${displayText(reason, 200)})`,
			'not copied: cannot be read here',
		),
		...named(plan.refused, ({id, problem}) => `not copied: ${shortId(id)} ${displayText(problem, 200)}`, 'not copied: refused'),
	);

	return lines;
}

/** What a copy did, in words, and the status line the table shows after it. */
export function resultLines(name: string, plan: SyncPlan, result: CopyResult): {lines: string[]; said: string} {
	const lines = [`Copied ${tokenCount(result.copied.length)} to ${name}.`];
	if (result.present.length > 0) {
		lines.push(`${tokenCount(result.present.length)} appeared there meanwhile and ${result.present.length === 1 ? 'was' : 'were'} kept.`);
	}

	if (plan.conflicts.length > 0) {
		lines.push(`${tokenCount(plan.conflicts.length)} kept: ${name} holds a different token under the id.`);
	}

	if (result.stopped) {
		lines.push(`Stopped early: ${displayText(oneLine(result.stopped.cause), 300)}. Copy again to finish: nothing is copied twice.`);
	}

	return {lines, said: `Copied ${tokenCount(result.copied.length)} to ${name}`};
}
