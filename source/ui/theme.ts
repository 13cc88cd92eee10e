/**
 * Colours and marks. With NO_COLOR the entry sets FORCE_COLOR=0, chalk drops every colour and
 * inverse, and the symbols below still say which row is selected, which are marked and which can
 * never authenticate.
 */
export const theme = {
	accent: 'cyan',
	muted: 'gray',
	danger: 'red',
	warning: 'yellow',
	success: 'green',
	symbols: {
		selected: '›',
		marked: '•',
		/** A token that can never authenticate (a field of the wrong type, or a record that cannot be read). */
		problem: '!',
		checked: '[x]',
		unchecked: '[ ]',
		up: '●',
		down: '○',
	},
} as const;
