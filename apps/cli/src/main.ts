#!/usr/bin/env node
import { Command } from 'commander';
import { registerBenchCommand } from './commands/bench';
import { registerDataCommand } from './commands/data';
import { registerDoctorCommand } from './commands/doctor';
import { registerKernelCommand } from './commands/kernel';
import { registerOptionsCommand } from './commands/options';
import { registerPlaygroundCommand } from './commands/playground';
import { registerReportCommand } from './commands/report';
import { registerRunCommands } from './commands/run';
import { registerServeCommand } from './commands/serve';

export function buildProgram(): Command {
  const program = new Command('sugar')
    .description('sugar-lab: surrogate-gradient ReLU (SUGAR) experiments on TensorFlow.js')
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- package.json lies outside rootDir, so it cannot be imported
    .version((require('../package.json') as { version: string }).version)
    .showHelpAfterError();
  registerRunCommands(program);
  registerReportCommand(program);
  registerServeCommand(program);
  registerPlaygroundCommand(program);
  registerOptionsCommand(program);
  registerDataCommand(program);
  registerBenchCommand(program);
  registerKernelCommand(program);
  registerDoctorCommand(program);
  return program;
}

/** Runs the `sugar` command line on `argv` (process.argv's shape); an error ends the process with its message. */
export function main(argv: string[]): Promise<void> {
  return buildProgram()
    .parseAsync(argv)
    .then(
      () => undefined,
      (err: unknown) => {
        console.error(`sugar: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
      },
    );
}

// Run directly (node dist/main.js), or through bin/sugar.js, which calls main().
if (require.main === module) void main(process.argv);
