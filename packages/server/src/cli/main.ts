#!/usr/bin/env node
import { Command } from 'commander';
import { environmentVariables } from '../config.js';
import { accountsCommand } from './accounts-command.js';
import { migrateCommand } from './migrate-command.js';
import { serveCommand } from './serve-command.js';
import { workerCommand } from './worker-command.js';

const program = new Command('emivoy')
  .description(
    'Emivoy: notification policies for your domain events, delivered through your own provider.',
  )
  .version('0.1.0')
  .addHelpText(
    'after',
    `\nEnvironment variables:\n${environmentVariables.map((v) => `  ${v.name.padEnd(28)} ${v.description}`).join('\n')}\n\nExample:\n  emivoy serve                          the API and worker on http://127.0.0.1:8080\n  emivoy accounts create --name Acme --json\n`,
  );

program.addCommand(serveCommand());
program.addCommand(workerCommand());
program.addCommand(migrateCommand());
program.addCommand(accountsCommand());

await program.parseAsync(process.argv);
