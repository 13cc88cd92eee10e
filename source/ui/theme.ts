/**
 * Colours and marks. With NO_COLOR the entry sets FORCE_COLOR=0, chalk drops every colour and
 * inverse, and the symbols below still say which row is selected and which are marked.
 */
export const theme = {
	accent: 'cyan',
	muted: 'gray',
	danger: 'red',
	warning: 'yellow',
	success: 'green',
	selectedBackground: 'blue',
	symbols: {
		selected: '›',
		marked: '•',
		checked: '[x]',
		unchecked: '[ ]',
		up: '●',
		down: '○',
	},
} as const;
