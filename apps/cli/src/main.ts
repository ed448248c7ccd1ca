#!/usr/bin/env node
import { Command } from 'commander';
import { registerDoctorCommand } from './commands/doctor';

export function buildProgram(): Command {
  const program = new Command('sugar')
    .description('sugar-lab: surrogate-gradient ReLU (SUGAR) experiments on TensorFlow.js')
    .version(require('../package.json').version)
    .showHelpAfterError();
  registerDoctorCommand(program);
  return program;
}

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      console.error(`sugar: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    });
}
