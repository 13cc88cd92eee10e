// Baseline for the app's first screen: spawn to the first frame of an empty Ink app.
import React from 'react';
import {Text, render} from 'ink';

const app = render(React.createElement(Text, null, 'ready'));
setTimeout(() => app.unmount(), 200);
