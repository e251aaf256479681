import { CheckSeverity } from '../finding';
import { policyDocuments } from './template-walk';
import { asArray, RuleResult } from './util';

const READS = [
  'secretsmanager:getsecretvalue', 'secretsmanager:*', 'ssm:getparameter', 'ssm:getparameters',
  'ssm:getparametersbypath', 'ssm:*', '*',
];

/** An IAM statement that allows reading secrets on `Resource: "*"` reads every secret in the account. */
export function iamSecretReadWildcard(templates: { [stack: string]: any }): RuleResult[] {
  const out: RuleResult[] = [];
  for (const { resource, statement, where } of policyDocuments(templates)) {
    if (statement.Effect !== 'Allow') continue;
    const actions = asArray<any>(statement.Action).filter((a) => typeof a === 'string').map((a: string) => a.toLowerCase());
    const reads = actions.filter((a) => READS.includes(a));
    const wildcard = asArray<any>(statement.Resource).some((r) => r === '*');
    if (reads.length > 0 && wildcard) {
      out.push({
        severity: CheckSeverity.ERROR,
        resource,
        message: `${where} allows ${reads.join(', ')} on Resource "*": every secret in the account. Scope it to the secrets' ARNs`,
      });
    }
  }
  return out;
}
