/**
 * A synthesized cloud assembly as plain data, read from the texts of its files: the stacks the
 * manifests list (and only those), their templates and metadata, and what the app wrote beside
 * them. Pure: `scripts/read-assembly-dir.ts` (or a test) reads the folder; this only parses.
 */

/** The files of an assembly folder, as `scripts/read-assembly-dir.ts` collects them. */
export interface AssemblyFiles {
  /** The text of every `.json` file at the folder's root and in its `assembly-*` folders, by POSIX path relative to the folder. */
  readonly texts: ReadonlyMap<string, string>;
  /** Every entry at the root and in `assembly-*` folders, relative; folders end with `/` and are not descended into otherwise. */
  readonly entries: readonly string[];
}

/** One resource of a template, as CloudFormation reads it. */
export interface CfnResourceJson {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
  readonly Metadata?: Readonly<Record<string, unknown>>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly Condition?: string;
}

/** The parts of a template the report reads. */
export interface CfnTemplateJson {
  readonly Resources?: Readonly<Record<string, CfnResourceJson>>;
  readonly Outputs?: Readonly<
    Record<string, { readonly Value?: unknown; readonly Export?: { readonly Name?: unknown } }>
  >;
  readonly Parameters?: Readonly<Record<string, unknown>>;
  readonly Mappings?: Readonly<Record<string, unknown>>;
}

/** One metadata entry of a construct (`aws:cdk:logicalId`, `aws:cdk:acknowledged-rules`...). */
export interface MetadataEntry {
  readonly type: string;
  readonly data?: unknown;
}

/** One CloudFormation stack of the assembly. */
export interface StackArtifact {
  /** Artifact ID in its manifest, such as `Phase1Datauswest15E991A1A`. */
  readonly artifactId: string;
  /** Construct path, such as `Phase1/Data-us-west-1`. */
  readonly path: string;
  /** The stage it sits in (`Phase1`, `Account`), or `(app)` for a stack outside any stage. */
  readonly stage: string;
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  /** Artifact IDs of the stacks of the same manifest it deploys after. */
  readonly dependencies: readonly string[];
  readonly terminationProtection: boolean;
  /** The template file, relative to the assembly folder. */
  readonly templateFile: string;
  /** Size in bytes of the template file: what CloudFormation receives from S3. */
  readonly templateBytes: number;
  readonly template: CfnTemplateJson;
  /** Construct metadata by construct path (`/Phase1/Data-us-west-1/Key/Resource`). */
  readonly metadata: Readonly<Record<string, readonly MetadataEntry[]>>;
}

/**
 * What `bin/app.ts` records in `synth.json`: how the assembly was made and which checks ran. The
 * app writes it last, and only when the synth passed (it removes the previous one first), so an
 * assembly folder with no `synth.json` is one whose last synth failed, stopped or never ran.
 */
export interface SynthRecord {
  /** The plan folder the synth read (`-c plan`, default `phases`), as given. */
  readonly plan: string;
  /**
   * sha256 over the plan files the synth read (each file's name and bytes, in name order;
   * `lib/report/synth-record.ts`). Absent in records of earlier app versions.
   */
  readonly planDigest?: string;
  /** Each plan file's sha256, by its name in the plan folder. A copy of the files is in `plan/`. */
  readonly planFiles?: Readonly<Record<string, string>>;
  readonly environment: string;
  readonly phases: readonly number[];
  /** Whether validator warnings fail synth (`@aws-cdk/core:strictCfnValidateErrors`). */
  readonly strict: boolean;
  readonly checks: readonly CheckRun[];
  /** Checks that exist but did not run, with why. */
  readonly skipped: readonly { readonly name: string; readonly why: string }[];
  /** Files of an earlier synth the app removed from the folder. */
  readonly removedStale: readonly string[];
  /** The line the synth ended with. */
  readonly summary: string;
}

/** One check that ran during synth. */
export interface CheckRun {
  /** Plugin name as in `validation-report.json`: `AwsSolutions`, `DataResidency`, `CloudFormation Validate`, or `Plan`. */
  readonly name: string;
  readonly version?: string;
  /** Distinct rules it evaluated, when it can be counted. */
  readonly rules?: number;
  /** Rule evaluations (rule x resource), when it can be counted. */
  readonly evaluations?: number;
  /** Stacks it was given (or plan files, for the plan). */
  readonly scope: number;
  /** Wall time of its one call in this synth, in seconds (absent for the plan, read before the app is built). */
  readonly seconds?: number;
  /** Of those stacks, how many results came from the validator's cache (unchanged templates). */
  readonly reused?: number;
  readonly scopeUnit: 'stacks' | 'files';
}

/** A cloud assembly, parsed. */
export interface Assembly {
  /** Every stack the manifests list, in manifest order. */
  readonly stacks: readonly StackArtifact[];
  /** `residency.json`, when the app wrote it. */
  readonly residency?: ResidencyJson;
  /** `validation-report.json`, when the synth wrote it. */
  readonly validationReport?: ValidationReportJson;
  /** `synth.json`, when the app wrote it. */
  readonly synth?: SynthRecord;
  /** Entries of the folder that no manifest refers to: left over from an earlier synth. */
  readonly staleEntries: readonly string[];
}

/** `residency.json`, as `lib/compliance/residency/residency-map.ts` writes it. */
export interface ResidencyJson {
  readonly markets: Readonly<
    Record<
      string,
      {
        readonly allowedLocations: readonly string[];
        readonly stores: Readonly<
          Record<string, readonly { readonly stack: string; readonly logicalId: string; readonly type: string }[]>
        >;
      }
    >
  >;
  readonly noPersonalData: readonly { readonly path: string; readonly reason: string }[];
  readonly narrowed: readonly { readonly path: string; readonly markets: readonly string[]; readonly reason: string }[];
}

/** The parts of `validation-report.json` the report reads. */
export interface ValidationReportJson {
  readonly pluginReports?: readonly {
    readonly pluginName: string;
    readonly conclusion?: string;
    readonly metadata?: Readonly<Record<string, unknown>>;
    readonly violations: readonly {
      readonly ruleName: string;
      readonly description: string;
      readonly severity?: string;
      readonly violatingConstructs?: readonly { readonly constructPath: string }[];
    }[];
    readonly suppressedViolations?: readonly {
      readonly ruleName: string;
      readonly acknowledgedAt?: string;
      readonly reason?: string;
      readonly violatingConstructs?: readonly { readonly constructPath: string }[];
    }[];
  }[];
}

interface ManifestJson {
  readonly artifacts?: Readonly<
    Record<
      string,
      {
        readonly type: string;
        readonly environment?: string;
        readonly displayName?: string;
        readonly dependencies?: readonly string[];
        readonly additionalMetadataFile?: string;
        readonly metadata?: Readonly<Record<string, readonly MetadataEntry[]>>;
        readonly properties?: Readonly<Record<string, unknown>>;
      }
    >
  >;
}

/** Thrown when a folder is not a readable cloud assembly; says what is missing. */
export class AssemblyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssemblyError';
  }
}

/** The folder of an assembly (`cdk.out/plan/`) that holds a copy of the plan files the synth read. */
export const PLAN_COPY_DIR = 'plan';

/** Names of the files (and the plan's copy) the app itself writes beside the assembly (never stale). */
export const APP_FILES: readonly string[] = [
  'residency.json',
  'synth.json',
  'validation-report.json',
  `${PLAN_COPY_DIR}/`,
];

/** Parses an assembly folder's files. Throws an {@link AssemblyError} if the root manifest is missing. */
export function readAssembly(files: AssemblyFiles): Assembly {
  const json = <T>(path: string): T | undefined => {
    const text = files.texts.get(path);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new AssemblyError(`${path} is not valid JSON: ${(error as Error).message}`);
    }
  };
  const root = json<ManifestJson>('manifest.json');
  if (!root) {
    throw new AssemblyError('no manifest.json: not a cloud assembly (run `npx cdk synth` first, or pass --out DIR)');
  }

  const stacks: StackArtifact[] = [];
  const referenced = new Set<string>(['manifest.json', ...APP_FILES]);
  const visit = (dir: string, manifest: ManifestJson) => {
    for (const [artifactId, artifact] of Object.entries(manifest.artifacts ?? {})) {
      const props = artifact.properties ?? {};
      for (const key of ['file', 'templateFile']) {
        if (typeof props[key] === 'string') referenced.add(join(dir, props[key] as string));
      }
      if (artifact.additionalMetadataFile) referenced.add(join(dir, artifact.additionalMetadataFile));
      if (artifact.type === 'cdk:cloud-assembly' && typeof props.directoryName === 'string') {
        const nestedDir = join(dir, props.directoryName);
        referenced.add(`${nestedDir}/`);
        referenced.add(join(nestedDir, 'manifest.json'));
        const nested = json<ManifestJson>(join(nestedDir, 'manifest.json'));
        if (!nested) throw new AssemblyError(`${nestedDir}/manifest.json is missing: the assembly is incomplete`);
        visit(nestedDir, nested);
      }
      if (artifact.type === 'aws:cloudformation:stack') {
        stacks.push(readStack(dir, artifactId, artifact, manifest, json, files));
      }
    }
  };
  visit('', root);

  return {
    stacks,
    residency: json<ResidencyJson>('residency.json'),
    validationReport: json<ValidationReportJson>('validation-report.json'),
    synth: json<SynthRecord>('synth.json'),
    staleEntries: files.entries.filter((entry) => isStale(entry, referenced)),
  };
}

function readStack(
  dir: string,
  artifactId: string,
  artifact: NonNullable<ManifestJson['artifacts']>[string],
  manifest: ManifestJson,
  json: <T>(path: string) => T | undefined,
  files: AssemblyFiles,
): StackArtifact {
  const props = artifact.properties ?? {};
  const templateFile = join(dir, String(props.templateFile));
  const text = files.texts.get(templateFile);
  if (text === undefined) throw new AssemblyError(`${templateFile} is missing: the assembly is incomplete`);
  const [, account = 'unknown', region = 'unknown'] = /^aws:\/\/([^/]+)\/(.+)$/.exec(artifact.environment ?? '') ?? [];
  const path = artifact.displayName ?? artifactId;
  const stackIds = new Set(
    Object.entries(manifest.artifacts ?? {})
      .filter(([, a]) => a.type === 'aws:cloudformation:stack')
      .map(([id]) => id),
  );
  const extra = artifact.additionalMetadataFile
    ? (json<Record<string, MetadataEntry[]>>(join(dir, artifact.additionalMetadataFile)) ?? {})
    : {};
  return {
    artifactId,
    path,
    stage: path.includes('/') ? path.split('/')[0] : '(app)',
    stackName: typeof props.stackName === 'string' ? props.stackName : artifactId,
    account,
    region,
    dependencies: (artifact.dependencies ?? []).filter((d) => stackIds.has(d)),
    terminationProtection: props.terminationProtection === true,
    templateFile,
    templateBytes: Buffer.byteLength(text, 'utf8'),
    template: JSON.parse(text) as CfnTemplateJson,
    metadata: { ...(artifact.metadata ?? {}), ...extra },
  };
}

/**
 * Stale: a stack's template, assets or metadata file, or a nested assembly, that the manifests no
 * longer list (a stack or stage an earlier synth had). Other files (assets, the tree, reports) are
 * not judged.
 */
function isStale(entry: string, referenced: ReadonlySet<string>): boolean {
  if (referenced.has(entry)) return false;
  const parts = entry.replace(/\/$/, '').split('/');
  const name = parts[parts.length - 1];
  if (entry.endsWith('/')) return parts.length === 1 && name.startsWith('assembly-');
  // A file inside an assembly-* folder no manifest lists is stale with its folder, listed once.
  if (parts.length > 1 && !referenced.has(`${parts[0]}/`)) return false;
  return /\.(template|assets|metadata)\.json$/.test(name);
}

function join(dir: string, file: string): string {
  return dir ? `${dir}/${file}` : file;
}

/** Every resource of every stack, with its stack. */
export function resourcesOf(
  assembly: Assembly,
): { readonly stack: StackArtifact; readonly logicalId: string; readonly resource: CfnResourceJson }[] {
  return assembly.stacks.flatMap((stack) =>
    Object.entries(stack.template.Resources ?? {}).map(([logicalId, resource]) => ({ stack, logicalId, resource })),
  );
}

/**
 * The construct path of a resource: its `aws:cdk:path` template metadata (which the CDK CLI adds
 * unless `--no-path-metadata`), else the stack's construct metadata, which records every
 * resource's logical ID under its path.
 */
export function constructPathOf(stack: StackArtifact, logicalId: string): string | undefined {
  const path = stack.template.Resources?.[logicalId]?.Metadata?.['aws:cdk:path'];
  if (typeof path === 'string') return path;
  let byLogicalId = pathsByLogicalId.get(stack);
  if (!byLogicalId) {
    byLogicalId = new Map();
    for (const [constructPath, entries] of Object.entries(stack.metadata)) {
      for (const e of entries) {
        if (e.type === 'aws:cdk:logicalId' && typeof e.data === 'string') {
          byLogicalId.set(e.data, constructPath.replace(/^\//, ''));
        }
      }
    }
    pathsByLogicalId.set(stack, byLogicalId);
  }
  return byLogicalId.get(logicalId);
}

const pathsByLogicalId = new WeakMap<StackArtifact, Map<string, string>>();
