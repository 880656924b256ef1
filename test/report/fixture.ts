/** The small fixture assembly under test/fixtures/assemblies/small, and edited copies of it (in memory). */
import { join } from 'node:path';
import { readAssemblyDir } from '../../bin/read-assembly-dir';
import { type Assembly, type AssemblyFiles, readAssembly } from '../../lib/report/assembly';

export const SMALL_DIR = join(__dirname, '..', 'fixtures', 'assemblies', 'small');
export const DATA_TEMPLATE = 'assembly-Phase1/Phase1Datauswest15E991A1A.template.json';
export const SERVICE_TEMPLATE = 'assembly-Phase1/Phase1Serviceuswest1289973CC.template.json';
export const PHASE1_MANIFEST = 'assembly-Phase1/manifest.json';
export const CLUSTER = 'ShopDatabaseCluster8B2FBB17';

let files: AssemblyFiles | undefined;

/** The fixture's files, read once. */
export function smallFiles(): AssemblyFiles {
  files ??= readAssemblyDir(SMALL_DIR);
  return files;
}

/** The fixture, parsed. */
export function small(): Assembly {
  return readAssembly(smallFiles());
}

// biome-ignore lint/suspicious/noExplicitAny: edits reach into template JSON
export type Json = any;

/** The fixture with JSON files edited: `{ [path]: (json) => void }`, applied to deep copies. */
export function smallWith(edits: Readonly<Record<string, (json: Json) => void>>, base = smallFiles()): Assembly {
  return readAssembly(edit(base, edits));
}

export function edit(base: AssemblyFiles, edits: Readonly<Record<string, (json: Json) => void>>): AssemblyFiles {
  const texts = new Map(base.texts);
  for (const [path, change] of Object.entries(edits)) {
    const text = texts.get(path);
    if (text === undefined) throw new Error(`no ${path} in the fixture`);
    const json = JSON.parse(text);
    change(json);
    texts.set(path, JSON.stringify(json, null, 1));
  }
  return { texts, entries: base.entries };
}
