// `pnpm bci <command>`: train (within-subject training), stream (replay a recording through a
// trained model), search (the per-subject grid search).
const USAGE = 'usage: pnpm bci <train|stream|search> [flags]   (pnpm bci <command> --help for its flags)';
const [command] = process.argv.slice(2);
const commands: Record<string, string> = { train: './train.js', stream: './stream.js', search: './search.js' };
if (command === undefined || command === '--help' || command === '-h') {
  (command === undefined ? process.stderr : process.stdout).write(`${USAGE}\n`);
  process.exit(command === undefined ? 2 : 0);
}
const target = commands[command];
if (!target) {
  process.stderr.write(`bci: unknown command '${command}'\n${USAGE}\n`);
  process.exit(2);
}
process.argv.splice(2, 1);
await import(target);
