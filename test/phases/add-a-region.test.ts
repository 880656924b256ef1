import { Stack } from 'aws-cdk-lib';
import { parseDocument } from 'yaml';
import { loadPlan } from '../../lib/config/load-plan';
import { defaultPlanSources, synthesize, withoutCloudFormationValidator } from '../support/harness';

// The subject is what the plan builds; the CloudFormation validator has its own whole-app run.
withoutCloudFormationValidator();

describe('adding a region is a plan change, not a code change', () => {
  test("Hong Kong's own region as a phase 5 gets its data and service stacks, and routing waits for its copy", () => {
    // GIVEN the default plan with a phase 5 that moves Hong Kong's shop from Singapore to ap-east-1
    const { platform, phases } = defaultPlanSources();
    const platformDoc = parseDocument(platform.text);
    platformDoc.addIn(['locations'], { id: 'ap-east-1', kind: 'aws', region: 'ap-east-1' });
    const hk = (platformDoc.toJS().markets as { code: string }[]).findIndex((m) => m.code === 'HK');
    platformDoc.addIn(['markets', hk, 'allowedLocations'], 'ap-east-1');
    const phase5 = [
      'phase: 5',
      'name: Hong Kong in Hong Kong',
      'workload: hongkong',
      'services: [shop]',
      'cutoverPercent: 0',
      'locations:',
      '  - location: ap-east-1',
      '    vpcCidr: 10.100.0.0/16',
      '    markets: [HK]',
    ].join('\n');
    const plan = loadPlan({ ...platform, text: platformDoc.toString() }, [
      ...phases,
      { file: 'phases/phase-5.yaml', text: phase5 },
    ]);

    // WHEN
    const synth = synthesize({ plan, phases: [1, 5], key: 'hong-kong' });

    // THEN the new region has its stacks, with no code change
    const stacks = synth.stage(5).node.children.filter((c): c is Stack => c instanceof Stack);
    expect(stacks.map((s) => `${s.node.id}@${s.region}`)).toEqual([
      'Data-ap-east-1@ap-east-1',
      'Service-ap-east-1@ap-east-1',
      // Hong Kong's rows are in Singapore (phases 1 and 2): they move region to region.
      'Transfer-ap-southeast-1@ap-southeast-1',
      'Link-ap-east-1@ap-east-1',
      // Hong Kong's goal canary runs in its own region, where phase 5's goals are too.
      'Watch-ap-east-1@ap-east-1',
    ]);
    // Hong Kong's name now prefers phase 5's layer, which passes everything down to Singapore's
    // (phase 1) until the copy of Hong Kong's rows there is ready.
    const service = synth.template(5, 'Service-ap-east-1');
    service.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'hk.shop.shop.example.com.',
      SetIdentifier: 'p5',
      Weight: 1,
    });
    service.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'p5.hk.shop.shop.example.com.',
      SetIdentifier: 'below',
      Weight: 100,
      ResourceRecords: ['p1.hk.shop.shop.example.com'],
    });
    service.resourcePropertiesCountIs('AWS::Route53::RecordSet', { SetIdentifier: 'p5-ap-east-1' }, 0);
    synth.template(1, 'Service-ap-southeast-1').hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'hk.shop.shop.example.com.',
      SetIdentifier: 'p1',
      Weight: 0,
    });
  });
});
