// `pnpm bci <command>`: train (the within-subject recipe) or search (the per-subject grid search).
const [command] = process.argv.slice(2);
const commands: Record<string, string> = { train: './main.js', search: './search.js' };
if (command === undefined || command === '--help' || command === '-h') {
  process.stdout.write('usage: pnpm bci <train|search> [flags]   (pnpm bci <command> --help for its flags)\n');
  process.exit(command === undefined ? 2 : 0);
}
const target = commands[command];
if (!target) {
  process.stderr.write(`bci: unknown command '${command}'\nusage: pnpm bci <train|search> [flags]\n`);
  process.exit(2);
}
process.argv.splice(2, 1);
await import(target);
