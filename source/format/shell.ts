/** A word as a shell reads it back whole: single quotes, each `'` inside written as `'\''`. */
export const singleQuoted = (word: string): string => `'${word.replaceAll("'", `'\\''`)}'`;

/**
 * A word for a command line a person copies and pastes into a shell: as it is when it has nothing
 * a shell would split or expand (most paths), quoted otherwise, so a space in a path stays in it and
 * `;` or `$(…)` in a directory name never runs.
 */
export const shellWord = (word: string): string => (/^[\w/.:@%+=,-]+$/.test(word) ? word : singleQuoted(word));
