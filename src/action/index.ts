// The Action's entry point (bundled to dist/index.js): all logic is in run.ts.
import { run } from './run.ts';

await run();
