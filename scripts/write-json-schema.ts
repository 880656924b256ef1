/** Writes schemas/*.json from the zod schemas (`npm run schema`). A test fails when they drift. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonSchemas } from '../lib/config/json-schema';

for (const [file, schema] of Object.entries(jsonSchemas())) {
  writeFileSync(join(__dirname, '..', 'schemas', file), `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote schemas/${file}`);
}
