import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AssemblyError, type AssemblyFiles } from '../lib/report/assembly';

/**
 * Reads what `lib/report/assembly.ts` parses from a cloud assembly folder: the JSON files at its
 * root (not `tree.json`, which the report does not need) and in its `assembly-*` folders, and
 * the name of every entry there. File access stays in `bin/`; the parsing is pure.
 */
export function readAssemblyDir(dir: string): AssemblyFiles {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new AssemblyError(`${dir}: no such folder, expected a cloud assembly (run \`npx cdk synth\` first)`);
  }
  const texts = new Map<string, string>();
  const entries: string[] = [];
  const add = (relative: string, absolute: string) => {
    entries.push(relative);
    if (relative.endsWith('.json') && relative !== 'tree.json') texts.set(relative, readFileSync(absolute, 'utf8'));
  };
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      entries.push(`${entry.name}/`);
      if (!entry.name.startsWith('assembly-')) continue;
      for (const inner of readdirSync(join(dir, entry.name), { withFileTypes: true })) {
        if (inner.isFile()) add(`${entry.name}/${inner.name}`, join(dir, entry.name, inner.name));
      }
    } else if (entry.isFile()) {
      add(entry.name, join(dir, entry.name));
    }
  }
  return { texts, entries };
}

/**
 * Removes entries of an assembly folder (as `readAssembly` lists them in `staleEntries`): only
 * relative paths inside `dir`, never a symbolic link's target.
 */
export function removeEntries(dir: string, entries: readonly string[]): void {
  for (const entry of entries) {
    if (entry.split('/').includes('..') || entry.startsWith('/')) continue;
    rmSync(join(dir, entry), { recursive: entry.endsWith('/'), force: true });
  }
}
