import { asArray } from './util';

/** Every IAM policy statement of every template, with where it sits. @internal */
export function policyDocuments(templates: { [stack: string]: any }): Array<{ resource: string; statement: any; where: string }> {
  const out: Array<{ resource: string; statement: any; where: string }> = [];
  for (const [stack, template] of Object.entries(templates)) {
    for (const [id, res] of Object.entries<any>(template?.Resources ?? {})) {
      const resource = `${stack}/${id}`;
      const docs: Array<[string, any]> = [];
      if (res.Type === 'AWS::IAM::Policy' || res.Type === 'AWS::IAM::ManagedPolicy') docs.push(['PolicyDocument', res.Properties?.PolicyDocument]);
      if (res.Type === 'AWS::IAM::Role') {
        asArray<any>(res.Properties?.Policies).forEach((p, i) => docs.push([`Policies[${i}]`, p?.PolicyDocument]));
      }
      for (const [where, doc] of docs) {
        asArray<any>(doc?.Statement).forEach((statement, i) => out.push({ resource, statement, where: `${where}.Statement[${i}]` }));
      }
    }
  }
  return out;
}

/** Every IAM role of every template: resource id, role name (when literal) and trust statements. @internal */
export function roles(templates: { [stack: string]: any }): Array<{ resource: string; roleName?: string; trust: any[] }> {
  const out: Array<{ resource: string; roleName?: string; trust: any[] }> = [];
  for (const [stack, template] of Object.entries(templates)) {
    for (const [id, res] of Object.entries<any>(template?.Resources ?? {})) {
      if (res.Type !== 'AWS::IAM::Role') continue;
      const name = res.Properties?.RoleName;
      out.push({
        resource: `${stack}/${id}`,
        roleName: typeof name === 'string' ? name : undefined,
        trust: asArray<any>(res.Properties?.AssumeRolePolicyDocument?.Statement),
      });
    }
  }
  return out;
}

/** The condition values on keys ending with `suffix` under an operator, from a trust statement. @internal */
export function conditionValues(statement: any, operator: string, suffix: string): string[] {
  const block = statement?.Condition?.[operator] ?? {};
  return Object.entries<any>(block).filter(([k]) => k.endsWith(suffix)).flatMap(([, v]) => asArray<string>(v));
}
