import {type FieldProblem, invalidInput, redactHex} from './http.js';

/**
 * Query validation with joi's messages (EmailEngine validates every route with joi, abortEarly
 * off, and answers 400 "Invalid input" with one `fields` entry per problem). Never echoes a value.
 */

type Raw = string | string[] | undefined;
export type QueryField = (name: string, raw: Raw) => {value: unknown} | {problem: string};

export function integer(options: {min: number; max: number; default: number; emptyIsDefault?: boolean}): QueryField {
	return (name, raw) => {
		if (raw === undefined || (raw === '' && options.emptyIsDefault)) {
			return {value: options.default};
		}

		if (Array.isArray(raw) || raw.trim() === '' || !Number.isFinite(Number(raw))) {
			return {problem: `"${name}" must be a number`};
		}

		const value = Number(raw);
		if (!Number.isInteger(value)) {
			return {problem: `"${name}" must be an integer`};
		}

		if (value < options.min) {
			return {problem: `"${name}" must be greater than or equal to ${options.min}`};
		}

		if (value > options.max) {
			return {problem: `"${name}" must be less than or equal to ${options.max}`};
		}

		return {value};
	};
}

/** A trimmed string; empty reads as absent. */
export function text(options: {max: number}): QueryField {
	return (name, raw) => {
		if (raw === undefined) {
			return {value: undefined};
		}

		if (Array.isArray(raw)) {
			return {problem: `"${name}" must be a string`};
		}

		const value = raw.trim();
		if (value.length > options.max) {
			return {problem: `"${name}" length must be less than or equal to ${options.max} characters long`};
		}

		return {value: value === '' ? undefined : value};
	};
}

export type QuerySchema = Record<string, QueryField>;

/** Validated values by name, or a 400 listing every problem (unknown names are not allowed). */
export function validateQuery(schema: QuerySchema, query: Map<string, string | string[]>): Record<string, unknown> {
	const values: Record<string, unknown> = {};
	const problems: FieldProblem[] = [];
	for (const [name, field] of Object.entries(schema)) {
		const result = field(name, query.get(name));
		if ('problem' in result) {
			problems.push({message: result.problem, key: name});
		} else {
			values[name] = result.value;
		}
	}

	for (const name of query.keys()) {
		if (!Object.hasOwn(schema, name)) {
			const key = redactHex(name).slice(0, 256);
			problems.push({message: `"${key}" is not allowed`, key});
		}
	}

	if (problems.length > 0) {
		throw invalidInput(problems);
	}

	return values;
}
