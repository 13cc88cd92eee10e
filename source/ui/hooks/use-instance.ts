import {createContext, useContext} from 'react';

/**
 * Which instance the app is on and whether it may write there, for every view without passing it
 * through each: the header shows the name, the footer greys the keys that write, and each place
 * a key would write asks `refusal` first.
 */
export type InstanceMode = {
	/** The named instance (the config file's), shown in the header in its colour. */
	instance?: {name: string; color?: string};
	/** Read-only: the one line a key that would write shows instead (`what` is the action), nothing written. */
	refusal?: (what: string) => string;
};

export const InstanceContext = createContext<InstanceMode>({});

export const useInstance = (): InstanceMode => useContext(InstanceContext);
