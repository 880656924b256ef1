import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonSchemas } from '../../lib/config/json-schema';
import { ROOT } from '../support/harness';

describe('JSON Schemas for editors', () => {
  test.each(Object.keys(jsonSchemas()))('schemas/%s matches the zod schema (run `npm run schema` if not)', (file) => {
    const committed = JSON.parse(readFileSync(join(ROOT, 'schemas', file), 'utf8'));
    expect(committed).toEqual(jsonSchemas()[file]);
  });

  test.each([
    ['phases/platform.yaml', 'platform.schema.json'],
    ['phases/phase-1.yaml', 'phase.schema.json'],
    ['phases/phase-2.yaml', 'phase.schema.json'],
    ['phases/phase-3.yaml', 'phase.schema.json'],
  ])('%s points editors at %s', (file, schema) => {
    const firstLine = readFileSync(join(ROOT, file), 'utf8').split('\n')[0];
    expect(firstLine).toBe(`# yaml-language-server: $schema=../schemas/${schema}`);
  });
});
