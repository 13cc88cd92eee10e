// @ts-expect-error parse-prometheus-text-format ships no types
import parsePrometheusTextFormatUntyped from 'parse-prometheus-text-format';

type Family = {name: string; help: string; type: string; metrics: Array<{labels?: Record<string, string>; value?: string}>};
const parsePrometheusTextFormat = parsePrometheusTextFormatUntyped as (text: string) => Family[];

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
// Read by Prometheus with Go's ParseFloat: NaN and Inf in any case (prom-client writes `Nan`).
const VALUE = '(?:[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?|[nN][aA][nN]|[+-]?[iI][nN][fF](?:[iI][nN][iI][tT][yY])?)';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(${LABEL}(?:,${LABEL})*)?,?\\})? ${VALUE}(?: -?\\d+)?$`);
const HELP = new RegExp(`^# HELP (${NAME}) .*$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const SUFFIXES: Record<string, readonly string[]> = {histogram: ['_bucket', '_sum', '_count'], summary: ['_sum', '_count']};

/**
 * Every problem of a Prometheus text exposition (format 0.0.4), line by line, as promtool's lint
 * reads it: the line grammar, one TYPE per family before its samples, samples only of declared
 * families, no series twice.
 */
export function expositionProblems(text: string): string[] {
	const problems: string[] = [];
	const types = new Map<string, string>();
	const series = new Set<string>();
	if (!text.endsWith('\n')) {
		problems.push('the text does not end with a newline');
	}

	for (const [index, line] of text.split('\n').entries()) {
		const where = `line ${index + 1} ${JSON.stringify(line)}`;
		if (line === '') {
			continue;
		}

		if (line.startsWith('# HELP ')) {
			if (!HELP.test(line)) {
				problems.push(`${where}: not a HELP line`);
			}

			continue;
		}

		if (line.startsWith('# TYPE ')) {
			const match = TYPE.exec(line);
			if (!match) {
				problems.push(`${where}: not a TYPE line`);
			} else if (types.has(match[1]!)) {
				problems.push(`${where}: second TYPE for ${match[1]}`);
			} else {
				types.set(match[1]!, match[2]!);
			}

			continue;
		}

		if (line.startsWith('#')) {
			continue;
		}

		const match = SAMPLE.exec(line);
		if (!match) {
			problems.push(`${where}: not a sample line`);
			continue;
		}

		const name = match[1]!;
		const family = [...types.entries()].find(
			([family, type]) => family === name || (SUFFIXES[type] ?? []).some(suffix => `${family}${suffix}` === name),
		);
		if (!family) {
			problems.push(`${where}: sample of ${name} without a TYPE before it`);
		}

		const key = line.slice(0, line.lastIndexOf(' '));
		if (series.has(key)) {
			problems.push(`${where}: the same series twice`);
		}

		series.add(key);
	}

	return problems;
}

/** Each sample's value by `name{label="value",…}` (labels in the order written), via a parser library. */
export function samples(text: string): Map<string, number> {
	const values = new Map<string, number>();
	for (const family of parsePrometheusTextFormat(text)) {
		if (family.type !== 'GAUGE' && family.type !== 'COUNTER' && family.type !== 'UNTYPED') {
			continue;
		}

		for (const metric of family.metrics) {
			const labels = Object.entries(metric.labels ?? {})
				.map(([name, value]) => `${name}=${JSON.stringify(value)}`)
				.join(',');
			values.set(labels ? `${family.name}{${labels}}` : family.name, Number(metric.value));
		}
	}

	return values;
}

/** The values of one label across a family's samples. */
export function labelValues(text: string, family: string, label: string): string[] {
	return parsePrometheusTextFormat(text)
		.filter(found => found.name === family)
		.flatMap(found => found.metrics.map(metric => metric.labels?.[label]))
		.filter((value): value is string => value !== undefined);
}
