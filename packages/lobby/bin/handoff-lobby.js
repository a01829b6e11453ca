#!/usr/bin/env node
// The `handoff-lobby` command. The server is compiled to dist/ (`npm run build`
// in a clone; a packed or installed package has it already). This file exists
// from the first `npm install` of a clone, so npm links the command then.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('handoff-lobby: not built yet: run `npm run build` in the repository first\n');
  process.exit(1);
}
await import(cli.href);
