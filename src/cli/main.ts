/**
 * The `os-datastore` command line. Exit codes: 0 valid / done, 1 invalid, 2 could not run
 * (usage, unreadable input).
 */

import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { SourceUnavailableError } from '../adapters/fs/source.ts';
import { runValidate, type ValidateFlags } from './validate.ts';

/** A mistake in how the command was called: message only, exit 2. */
export class UsageError extends Error {}

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
}

const defaultIo = (): Io => ({
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  isTTY: Boolean(process.stdout.isTTY),
  env: process.env,
});

function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of 1 or more');
  return n;
}

/** Run the CLI; resolves to the exit code. */
export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  let code = 0;
  const program = new Command('os-datastore')
    .description('Validate, publish and register OpenSpending Data Packages')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('validate')
    .description('validate data packages: the descriptor, then every row of every resource')
    .argument('[targets...]', 'dataset directories or datapackage.json files; a directory without one is searched for datasets', ['.'])
    .option('--json', 'print one JSON report on stdout')
    .option('--strict', 'treat warnings as errors')
    .addOption(new Option('--max-errors <n>', 'problems listed per resource (all are counted)').argParser(positiveInt).default(1000))
    .option('--owner <owner>', 'the GitHub owner the descriptor must name')
    .option('--allow-remote', 'fetch and validate http(s) resources (skipped with a warning otherwise)')
    .action(async (targets: string[], opts: ValidateFlags) => {
      code = await runValidate(targets, opts, io);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof UsageError || e instanceof SourceUnavailableError) {
      io.stderr(`os-datastore: ${e.message}\n`);
      return 2;
    }
    io.stderr(`os-datastore: internal error (please report it): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 2;
  }
}
