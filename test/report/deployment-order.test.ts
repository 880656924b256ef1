import { deploymentMermaid, deploymentOrder } from '../../lib/report/deployment-order';
import { PHASE1_MANIFEST, small, smallWith } from './fixture';

describe('deploymentOrder', () => {
  test('orders stacks in waves from the manifest and from the exports they import across stages', () => {
    // WHEN
    const order = deploymentOrder(small());
    // THEN
    expect(order.waves).toEqual([
      ['Account/Gateways-us-west-1'],
      ['Phase1/Data-us-west-1'],
      ['Phase1/Service-us-west-1'],
    ]);
    expect(order.edges).toEqual([
      { before: 'Phase1/Data-us-west-1', after: 'Phase1/Service-us-west-1', kind: 'dependency', via: [] },
      {
        before: 'Account/Gateways-us-west-1',
        after: 'Phase1/Data-us-west-1',
        kind: 'import',
        via: ['migration-customer-gateway-bj-legacy'],
      },
    ]);
    expect(order.cyclic).toEqual([]);
  });

  test('says which stage must deploy first, and why', () => {
    expect(deploymentOrder(small()).stagesFirst).toEqual([
      { stage: 'Account', before: ['Phase1'], via: ['migration-customer-gateway-bj-legacy'] },
    ]);
  });

  test('draws stages as boxes, dependencies as solid arrows and imports as dotted ones', () => {
    const assembly = small();
    const mermaid = deploymentMermaid(assembly, deploymentOrder(assembly));
    expect(mermaid).toMatch(/^flowchart LR\n/);
    expect(mermaid).toContain('subgraph n_stage_Account["Account: deploy before Phase1"]');
    expect(mermaid).toContain('n_Phase1_Data_us_west_1 --> n_Phase1_Service_us_west_1');
    expect(mermaid).toContain('n_Account_Gateways_us_west_1 -. import .-> n_Phase1_Data_us_west_1');
  });

  test('reports stacks that wait for each other', () => {
    // GIVEN the data stack made to wait for the service stack, which waits for it
    const assembly = smallWith({
      [PHASE1_MANIFEST]: (json) => {
        json.artifacts.Phase1Datauswest15E991A1A.dependencies.push('Phase1Serviceuswest1289973CC');
      },
    });
    expect(deploymentOrder(assembly).cyclic).toEqual(['Phase1/Data-us-west-1', 'Phase1/Service-us-west-1']);
  });
});
