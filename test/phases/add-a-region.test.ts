import { Stack } from 'aws-cdk-lib';
import { parseDocument } from 'yaml';
import { loadPlan } from '../../lib/config/load-plan';
import { defaultPlanSources, synthesize } from '../support/harness';

describe('adding a region is a plan change, not a code change', () => {
  test('a third phase-1 region (Hong Kong) gets its data and service stacks, and Singapore stops serving HK', () => {
    // GIVEN the default plan with Hong Kong moved to ap-east-1
    const { platform, phases } = defaultPlanSources();
    const platformDoc = parseDocument(platform.text);
    platformDoc.addIn(['locations'], { id: 'ap-east-1', kind: 'aws', region: 'ap-east-1' });
    const hk = (platformDoc.toJS().markets as { code: string }[]).findIndex((m) => m.code === 'HK');
    platformDoc.addIn(['markets', hk, 'allowedLocations'], 'ap-east-1');
    const phase1 = parseDocument(phases[0].text);
    phase1.setIn(['locations', 1, 'markets'], ['SG', 'TW', 'MY', 'ID', 'PH', 'IN']);
    phase1.addIn(['locations'], { location: 'ap-east-1', vpcCidr: '10.60.0.0/16', markets: ['HK'] });
    const plan = loadPlan({ ...platform, text: platformDoc.toString() }, [
      { ...phases[0], text: phase1.toString() },
      ...phases.slice(1),
    ]);

    // WHEN
    const synth = synthesize({ plan, phases: [1], key: 'hong-kong' });

    // THEN
    const stacks = synth.stage(1).node.children.filter((c): c is Stack => c instanceof Stack);
    expect(stacks.map((s) => `${s.node.id}@${s.region}`)).toEqual([
      'Data-us-west-1@us-west-1',
      'Service-us-west-1@us-west-1',
      'Data-ap-southeast-1@ap-southeast-1',
      'Service-ap-southeast-1@ap-southeast-1',
      'Data-ap-east-1@ap-east-1',
      'Service-ap-east-1@ap-east-1',
      'Edge-us-east-1@us-east-1',
    ]);
    synth.template(1, 'Service-ap-east-1').hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'hk.shop.shop.example.com.',
      SetIdentifier: 'p1-ap-east-1',
      Weight: 100,
    });
    synth
      .template(1, 'Service-ap-southeast-1')
      .resourcePropertiesCountIs('AWS::Route53::RecordSet', { Name: 'hk.shop.shop.example.com.' }, 0);
  });
});
