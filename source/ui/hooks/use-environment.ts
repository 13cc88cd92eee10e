import {createContext, useContext} from 'react';

/**
 * The environment the entry was given (as every command gets `io.env`), for the few places the app
 * reads one: where a revoke's undo journal goes (XDG_STATE_HOME) and which clipboard a copy reaches
 * (TMUX, WAYLAND_DISPLAY, DISPLAY). Read from here, never from `process.env`, so an app run inside
 * another process (a test's terminal) uses the environment it was started with.
 */
export type Environment = Readonly<Record<string, string | undefined>>;

export const EnvironmentContext = createContext<Environment>(process.env);

export const useEnvironment = (): Environment => useContext(EnvironmentContext);

/**
 * The working directory the entry was given, where the export dialog writes its file: undefined
 * for this process's own, read when used (as a shell's `> FILE` would resolve it).
 */
export const WorkingDirectoryContext = createContext<string | undefined>(undefined);

export const useWorkingDirectory = (): string => useContext(WorkingDirectoryContext) ?? process.cwd();
