import { z } from 'zod';
import { PhaseSchema, PlatformSchema } from './schema';

/** The JSON Schemas editors use for `phases/*.yaml`, generated from the zod schemas synth uses. */
export function jsonSchemas(): Record<string, unknown> {
  const render = (schema: z.ZodType, title: string) => ({
    ...z.toJSONSchema(schema, { io: 'input', target: 'draft-7' }),
    title,
  });
  return {
    'platform.schema.json': render(PlatformSchema, 'Migration plan: platform'),
    'phase.schema.json': render(PhaseSchema, 'Migration plan: one phase'),
  };
}
