// `pnpm vision <command>`: summary, classify, digits, bench.
const USAGE = 'usage: pnpm vision <summary|classify|digits|bench> [flags]   (pnpm vision <command> --help for its flags)';
const [command] = process.argv.slice(2);
const commands: Record<string, string> = { summary: './summary.js', classify: './classify.js', digits: './digits.js', bench: './bench.js' };
if (command === undefined || command === '--help' || command === '-h') {
  (command === undefined ? process.stderr : process.stdout).write(`${USAGE}\n`);
  process.exit(command === undefined ? 2 : 0);
}
const target = commands[command];
if (!target) {
  process.stderr.write(`vision: unknown command '${command}'\n${USAGE}\n`);
  process.exit(2);
}
process.argv.splice(2, 1);
await import(target);
