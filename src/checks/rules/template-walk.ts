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
        trust: asArray<any>(res.Properties?.AssumeRolePolicyDocument?.Statement).map((st) => withCfnJsonConditions(template, st)),
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

/**
 * A trust statement whose condition blocks come from a CDK `CfnJson` resource (condition keys that hold a token,
 * such as the issuer of an OIDC provider defined in the same program) with those blocks read back from the
 * resource's `Value`: literal parts as written, intrinsic parts as `<token>`.
 */
function withCfnJsonConditions(template: any, statement: any): any {
  const condition = statement?.Condition;
  if (!condition || typeof condition !== 'object') return statement;
  let changed = false;
  const resolved: { [op: string]: any } = {};
  for (const [op, block] of Object.entries<any>(condition)) {
    const ref = block?.['Fn::GetAtt'];
    const res = Array.isArray(ref) && ref[1] === 'Value' ? template?.Resources?.[ref[0]] : undefined;
    if (res?.Type === 'Custom::AWSCDKCfnJson') {
      const text = flattenJoin(res.Properties?.Value);
      try {
        resolved[op] = JSON.parse(text);
        changed = true;
        continue;
      } catch {
        // Not JSON once flattened: leave the block as it is.
      }
    }
    resolved[op] = block;
  }
  return changed ? { ...statement, Condition: resolved } : statement;
}

function flattenJoin(value: any): string {
  if (typeof value === 'string') return value;
  const join = value?.['Fn::Join'];
  if (Array.isArray(join) && Array.isArray(join[1])) {
    return join[1].map((p: any) => (typeof p === 'string' ? p : '<token>')).join(typeof join[0] === 'string' ? join[0] : '');
  }
  return '';
}
