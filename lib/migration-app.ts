import { type App, Stage, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, PCIDSS321Checks } from 'cdk-nag';
import { CachedCloudFormationValidatePlugin } from './compliance/cached-cloudformation-validate';
import { DataResidencyChecks } from './compliance/residency/data-residency-checks';
import { declareResidency, NO_PERSONAL_DATA } from './compliance/residency/residency-declaration';
import { EDGE_REGION } from './config/aws-regions';
import type { MigrationPlan } from './config/migration-plan';
import { stackId, stackName } from './naming';
import { PhaseStage } from './phases/phase-stage';
import { AccountStack } from './stacks/account-stack';
import { GatewaysStack, type GatewaysStackProps } from './stacks/gateways-stack';
import { GuardrailsStack } from './stacks/guardrails-stack';

/** What to build from a loaded plan. */
export interface MigrationAppOptions {
  /** Environment name from platform.yaml. */
  readonly environment: string;
  /** Phase numbers to synthesize, in any order. */
  readonly phases: readonly number[];
  /** Where the CloudFormation validator keeps its results (see `addChecks`); none: no cache. */
  readonly validationCache?: string;
}

/**
 * Adds one stage per selected phase (plus the account stage, and the guardrails stage when the plan has an organization) to the app and registers every compliance pack on it.
 * Shared by `bin/app.ts` and the tests, so both build exactly the same tree.
 */
export function buildMigrationApp(app: App, plan: MigrationPlan, options: MigrationAppOptions): PhaseStage[] {
  const environment = plan.environment(options.environment);
  addChecks(app, plan, { validationCache: options.validationCache });
  // Created first, so `cdk ls` lists it first.
  addAccountStage(app, plan, environment.account);

  const stages = [...options.phases]
    .sort((a, b) => a - b)
    .map((phase) => new PhaseStage(app, `Phase${phase}`, { plan, phase, environment }));

  const organization = plan.platform.organization;
  if (organization) {
    // Organizations is global; its stack lives in us-east-1 of the management account.
    const guardrails = new Stage(app, 'Guardrails', { env: { account: organization.managementAccount } });
    const stack = new GuardrailsStack(guardrails, stackId('guardrails', EDGE_REGION), {
      env: { account: organization.managementAccount, region: EDGE_REGION },
      stackName: stackName({ workload: 'organization', tier: 'guardrails', location: EDGE_REGION }),
      description: 'Region-deny service control policy built from the migration plan.',
      allowedRegions: [...new Set(plan.platform.locations.map((l) => plan.regionOf(l.id)))],
      edgeRegion: EDGE_REGION,
      probeRegions: plan.canaryRegions(),
      targetIds: organization.targetIds,
    });
    declareResidency(stack, {
      markets: NO_PERSONAL_DATA,
      reason: 'Holds one service control policy built from the plan; policies hold no user data.',
    });
  }
  return stages;
}

/**
 * Every compliance pack this app runs on synth; tests that build part of the app register the same.
 *
 * With `validationCache`, the CDK's built-in CloudFormation validator is replaced by the same
 * validator remembering its result per template in that folder (`CachedCloudFormationValidatePlugin`),
 * as strict as before. It is registered only when the CDK would run its own: the App's
 * `builtinCloudFormationValidation` and `CDK_VALIDATION=false` turn both off alike.
 */
export function addChecks(app: App, plan: MigrationPlan, options: { validationCache?: string } = {}): void {
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new PCIDSS321Checks(app),
    new DataResidencyChecks(app, { plan }),
  );
  if (options.validationCache && builtinValidationEnabled(app)) {
    Validations.of(app).addPlugins(
      new CachedCloudFormationValidatePlugin({
        directory: options.validationCache,
        settings: Object.fromEntries(VALIDATION_SETTINGS.map((key) => [key, app.node.tryGetContext(key) ?? null])),
      }),
    );
  }
}

/** Where the app and the tests keep the validator's results, under the project root. */
export const VALIDATION_CACHE_DIR = 'node_modules/.cache/dc-migration/cloudformation-validate';

/** The context keys that change what the CDK makes of the validator's report. */
const VALIDATION_SETTINGS = ['@aws-cdk/core:strictCfnValidateErrors', '@aws-cdk/core:validateAgainstDefaultRules'];

/**
 * Whether the CDK would add its own CloudFormation validator to this app: the two switches it reads
 * (aws-cdk-lib `defaultValidationEnabled`), read the same way.
 */
export function builtinValidationEnabled(app: App): boolean {
  const onApp = (app as unknown as { _builtinCloudFormationValidation?: boolean })._builtinCloudFormationValidation;
  return onApp !== false && process.env.CDK_VALIDATION !== 'false';
}

/**
 * The Account stage, deployed before any phase: the roles DMS needs (IAM is global, so one stack
 * serves every region), and per region any phase has a VPN in, one customer gateway per peer.
 */
function addAccountStage(app: App, plan: MigrationPlan, account: string): void {
  const stage = new Stage(app, 'Account', { env: { account } });
  const stack = new AccountStack(stage, stackId('account', EDGE_REGION), {
    env: { account, region: EDGE_REGION },
    stackName: stackName({ workload: 'shared', tier: 'account', location: EDGE_REGION }),
    description: 'Account-wide roles the migration needs once: the DMS VPC and CloudWatch Logs roles.',
  });
  declareResidency(stack, {
    markets: NO_PERSONAL_DATA,
    reason: 'Holds the IAM roles DMS needs (network interfaces, logs); roles hold no user data.',
  });
  // Per region any phase has a VPN in: one customer gateway per peer, shared by every phase.
  for (const [region, peers] of vpnPeersByRegion(plan)) {
    const gateways = new GatewaysStack(stage, stackId('gateways', region), {
      env: { account, region },
      stackName: stackName({ workload: 'shared', tier: 'gateways', location: region }),
      description: `Customer gateways of the VPN peers every phase connects to from ${region}.`,
      peers,
      dmsRoles: stack,
    });
    declareResidency(gateways, {
      markets: NO_PERSONAL_DATA,
      reason: "Customer gateways (a peer's public address and BGP number) only: no store, no user data.",
    });
  }
}

/**
 * The VPN peers of every region, across all phases of the plan (not only those synthesized, so
 * the Account stage is the same whichever phases a run selects): the legacy data center wherever
 * a phase has an AWS site or a provider site is managed, and each provider in its home region.
 */
function vpnPeersByRegion(plan: MigrationPlan): Map<string, GatewaysStackProps['peers'][number][]> {
  const { legacy } = plan.platform;
  const byRegion = new Map<string, GatewaysStackProps['peers'][number][]>();
  const add = (region: string, peer: GatewaysStackProps['peers'][number]) => {
    const peers = byRegion.get(region) ?? [];
    if (!peers.some((p) => p.id === peer.id)) byRegion.set(region, [...peers, peer]);
  };
  for (const { location } of plan.sites()) {
    const region = plan.regionOf(location.id);
    add(region, { id: legacy.id, name: legacy.name, address: legacy.vpnPeerAddress, bgpAsn: legacy.bgpAsn });
    if (location.kind === 'provider') {
      add(region, {
        id: location.id,
        name: `${location.provider}, ${location.city}`,
        address: location.vpnPeerAddress,
        bgpAsn: location.bgpAsn,
      });
    }
  }
  return byRegion;
}
