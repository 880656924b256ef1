import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  CloudFormationValidatePlugin,
  type IPolicyValidationContext,
  type PolicyValidationPluginReport,
  type PolicyValidationStack,
  type PolicyViolatingResource,
  type PolicyViolation,
} from 'aws-cdk-lib';

/**
 * Bump when the shape of a cache entry, or what goes into its key, changes: every older entry is
 * then a miss.
 */
const CACHE_FORMAT = 1;

/** Stand-ins for what differs between two stacks with one template: where it is, and its path. */
const TEMPLATE = '<template>';
const STACK = '<stack>';

export interface CachedCloudFormationValidateProps {
  /** Folder of cached results; anyone may delete it. */
  readonly directory: string;
  /**
   * Settings of the synth that decide what a result means (the app's context for strict mode and
   * the default rules). The plugin's output does not depend on them (the CDK applies them to the
   * report afterwards), but a change of any of them still starts a new cache.
   */
  readonly settings: Readonly<Record<string, unknown>>;
}

/** What one `validate` call did, for the synth's closing line and the tests. */
export interface ValidationCacheUse {
  /** Stack paths whose templates the engine evaluated. */
  readonly evaluated: readonly string[];
  /** Stack paths whose result was read from the cache. */
  readonly reused: readonly string[];
}

/** One cached result: the violations of one template, with where it was replaced by stand-ins. */
interface CacheEntry {
  readonly format: number;
  readonly violations: readonly PolicyViolation[];
}

/**
 * The CDK's own CloudFormation validator (the same engine, rules, severities and strict mode),
 * which remembers its result per template. Registered at the App, it replaces the default
 * instance (the CDK adds one only when none is registered).
 *
 * An entry's key is a SHA-256 of everything that decides the engine's answer: the template's bytes,
 * the account and region it is evaluated for, the engine's package and WASM binary, the CDK's
 * plugin code (its ignored rules, detail and severity levels), the CDK's built-in rule files, this
 * file's format and the synth's validation settings. An unchanged template is not evaluated twice;
 * a change to any of those is a miss. A cached result is a report like any other: the CDK applies
 * acknowledgments and strict mode to it, so a cached finding still fails the synth.
 *
 * Templates the cache lacks are evaluated together in one call of the CDK's own plugin, as the CDK
 * does. A result is cached per template only when every violation of the call names its template.
 */
export class CachedCloudFormationValidatePlugin extends CloudFormationValidatePlugin {
  private readonly directory: string;
  private readonly settingsDigest: string;
  private lastUse: ValidationCacheUse = { evaluated: [], reused: [] };

  constructor(props: CachedCloudFormationValidateProps) {
    super();
    this.directory = props.directory;
    this.settingsDigest = digest(
      JSON.stringify({ format: CACHE_FORMAT, engine: engineFingerprint(), settings: sortKeys(props.settings) }),
    );
  }

  /** What the last `validate` call evaluated and what it reused. */
  get cacheUse(): ValidationCacheUse {
    return this.lastUse;
  }

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const stacks = context.stackTemplates.map((stack) => ({
      stack,
      key: digest(
        JSON.stringify({
          settings: this.settingsDigest,
          accountId: stack.accountId ?? null,
          region: stack.region ?? null,
          template: digest(readFileSync(stack.templatePath)),
        }),
      ),
    }));
    const cached = new Map(stacks.map(({ stack, key }) => [stack, this.read(key)] as const));
    const missing = stacks.filter(({ stack }) => cached.get(stack) === undefined);

    const violations: PolicyViolation[] = [];
    for (const { stack } of stacks) {
      const entry = cached.get(stack);
      if (entry) violations.push(...entry.violations.map((v) => placeAt(v, stack)));
    }
    if (missing.length > 0) {
      const report = evaluator().validate({
        ...context,
        templatePaths: missing.map(({ stack }) => stack.templatePath),
        stackTemplates: missing.map(({ stack }) => stack),
      });
      violations.push(...report.violations);
      const byTemplate = splitByTemplate(
        report.violations,
        missing.map(({ stack }) => stack),
      );
      if (byTemplate) {
        for (const { stack, key } of missing) this.write(key, byTemplate.get(stack) ?? []);
      }
    }
    this.lastUse = {
      evaluated: missing.map(({ stack }) => stack.stackConstructPath),
      reused: stacks.filter(({ stack }) => cached.get(stack)).map(({ stack }) => stack.stackConstructPath),
    };
    const merged = mergeViolations(violations);
    return { success: merged.every((v) => v.severity !== 'error' && v.severity !== 'fatal'), violations: merged };
  }

  private read(key: string): CacheEntry | undefined {
    try {
      const entry = JSON.parse(readFileSync(this.file(key), 'utf8')) as CacheEntry;
      return entry.format === CACHE_FORMAT && Array.isArray(entry.violations) ? entry : undefined;
    } catch {
      return undefined; // absent or unreadable: evaluate again
    }
  }

  private write(key: string, violations: readonly PolicyViolation[]): void {
    const file = this.file(key);
    mkdirSync(dirname(file), { recursive: true });
    // Another synth (a test worker) may write the same entry: rename is atomic, so a reader sees
    // a whole entry or none.
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify({ format: CACHE_FORMAT, violations } satisfies CacheEntry));
    renameSync(temporary, file);
  }

  private file(key: string): string {
    return join(this.directory, key.slice(0, 2), `${key}.json`);
  }
}

/** Entries in the cache folder, for the tests. */
export function validationCacheEntries(directory: string): number {
  try {
    return readdirSync(directory).reduce((n, sub) => n + readdirSync(join(directory, sub)).length, 0);
  } catch {
    return 0;
  }
}

/**
 * The violations of a call, per template, with the template and stack replaced by stand-ins; or
 * nothing when a violation names a template not in the call (nothing is cached then).
 */
function splitByTemplate(
  violations: readonly PolicyViolation[],
  stacks: readonly PolicyValidationStack[],
): Map<PolicyValidationStack, PolicyViolation[]> | undefined {
  const byPath = new Map(stacks.map((s) => [s.templatePath, s] as const));
  const result = new Map<PolicyValidationStack, PolicyViolation[]>();
  for (const violation of violations) {
    const resources = new Map<PolicyValidationStack, PolicyViolatingResource[]>();
    for (const resource of violation.violatingResources) {
      const stack = resource.templatePath ? byPath.get(resource.templatePath) : undefined;
      if (!stack) return undefined;
      resources.set(stack, [
        ...(resources.get(stack) ?? []),
        {
          ...resource,
          templatePath: TEMPLATE,
          constructPath: resource.constructPath === stack.stackConstructPath ? STACK : resource.constructPath,
        },
      ]);
    }
    for (const [stack, own] of resources) {
      result.set(stack, [...(result.get(stack) ?? []), { ...violation, violatingResources: own }]);
    }
  }
  return result;
}

/** A cached violation, placed at the stack now being validated. */
function placeAt(violation: PolicyViolation, stack: PolicyValidationStack): PolicyViolation {
  return {
    ...violation,
    violatingResources: violation.violatingResources.map((r) => ({
      ...r,
      templatePath: stack.templatePath,
      constructPath: r.constructPath === STACK ? stack.stackConstructPath : r.constructPath,
    })),
  };
}

/** One violation per rule, severity and description, as the CDK's plugin reports them. */
function mergeViolations(violations: readonly PolicyViolation[]): PolicyViolation[] {
  const merged = new Map<string, PolicyViolation>();
  for (const v of violations) {
    const key = JSON.stringify([v.ruleName, v.severity, v.description]);
    const existing = merged.get(key);
    merged.set(
      key,
      existing ? { ...existing, violatingResources: [...existing.violatingResources, ...v.violatingResources] } : v,
    );
  }
  return [...merged.values()];
}

let shared: CloudFormationValidatePlugin | undefined;

/**
 * The validator that evaluates what the cache lacks: one per process, so apps synthesized one after
 * another (the tests) share one engine, as the CDK's default instance does (starting it costs a
 * second). It keeps the engine of its widest call, and makes a wider one when a call needs more.
 */
function evaluator(): CloudFormationValidatePlugin {
  shared ??= new CloudFormationValidatePlugin();
  return shared;
}

let fingerprint: string | undefined;

/**
 * What decides the engine's answer besides the template: the validator package (its JS and WASM
 * binary), the CDK's plugin code (ignored rules, detail and severity levels) and built-in rule
 * files. Hashed once per process.
 */
function engineFingerprint(): string {
  if (fingerprint) return fingerprint;
  const cdkLib = dirname(require.resolve('aws-cdk-lib/package.json'));
  const validation = join(cdkLib, 'core', 'lib', 'validation');
  const engine = dirname(require.resolve('@aws/cloudformation-validate/package.json', { paths: [cdkLib] }));
  const hash = createHash('sha256');
  const add = (file: string) => hash.update(`${file.slice(cdkLib.length)}\0`).update(readFileSync(file));
  for (const file of ['package.json', 'index.js', 'bindings_wasm.js', 'bindings_wasm_bg.wasm']) add(join(engine, file));
  add(join(cdkLib, 'package.json'));
  add(join(validation, 'cloudformation-validate-plugin.js'));
  const rules = join(validation, 'rules');
  for (const file of readdirSync(rules).sort()) {
    if (statSync(join(rules, file)).isFile()) add(join(rules, file));
  }
  fingerprint = hash.digest('hex');
  return fingerprint;
}

function digest(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function sortKeys(record: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
