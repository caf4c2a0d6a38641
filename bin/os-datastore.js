#!/usr/bin/env node
// Runs the CLI straight from the TypeScript sources (no build step): tsx compiles on the fly.
import { register } from 'tsx/esm/api';

register();
// The AWS SDK warns on every run that its 2027 releases will need Node 22; the version we ship is
// pinned, so the notice is noise in CLI output (set the variable to false to see it).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
