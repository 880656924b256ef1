/**
 * `npm run synth [-- <cdk synth options>]`: `cdk synth --quiet`, ending with the app's own last line.
 *
 * The CDK CLI prints its lines after the app has exited: "Successfully synthesized to <dir>" and
 * "Supply a stack id (...) to display its template." on success, "<app>: Subprocess exited with
 * error 1" on failure. The app's last line already says what happened (which checks ran and
 * what they found, or why nothing was built); the CLI's lines bury it. aws-cdk 2.1148.1 prints them
 * at info level, and neither a flag nor cdk.json lowers that (`--quiet` only stops the template
 * dump), so this drops exactly those three lines and passes everything else through, exit code
 * included. `npx cdk synth` still prints them.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

/** The CLI's closing lines, matched without colour codes. */
const CLI_EPILOGUE: readonly RegExp[] = [
  /^Successfully synthesized to \S/,
  /^Supply a stack id \(.*\) to display its template\.$/,
  /: Subprocess exited with error \d+$/,
];

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

function passThrough(from: Readable, to: Writable): Promise<void> {
  return new Promise((resolve) => {
    const lines = createInterface({ input: from, crlfDelay: Number.POSITIVE_INFINITY });
    lines.on('line', (line) => {
      const plain = line.replace(ANSI, '').trim();
      if (!CLI_EPILOGUE.some((pattern) => pattern.test(plain))) to.write(`${line}\n`);
    });
    lines.on('close', resolve);
  });
}

const cdk = spawn(
  join(__dirname, '..', 'node_modules', '.bin', 'cdk'),
  ['synth', '--quiet', ...process.argv.slice(2)],
  {
    stdio: ['inherit', 'pipe', 'pipe'],
  },
);
// The CLI writes its messages to stderr, or to stdout in CI mode: filter both.
const streams = Promise.all([passThrough(cdk.stdout, process.stdout), passThrough(cdk.stderr, process.stderr)]);
cdk.on('close', (code, signal) => {
  void streams.then(() => {
    process.exitCode = code ?? (signal ? 1 : 0);
  });
});
