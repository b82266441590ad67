#!/usr/bin/env node
// Runs the TypeScript CLI straight from a checkout: tsx compiles core/ on load, no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../core/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
