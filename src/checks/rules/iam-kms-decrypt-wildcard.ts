import { CheckSeverity } from '../finding';
import { policyDocuments } from './template-walk';
import { asArray, RuleResult } from './util';

/**
 * `kms:Decrypt` on `Resource: "*"` decrypts with every key the account's key policies open to IAM. Scope it to the
 * keys' ARNs; with a wildcard, at least pin the calling service with `kms:ViaService` (a warning then).
 */
export function iamKmsDecryptWildcard(templates: { [stack: string]: any }): RuleResult[] {
  const out: RuleResult[] = [];
  for (const { resource, statement, where } of policyDocuments(templates)) {
    if (statement.Effect !== 'Allow') continue;
    const actions = asArray<any>(statement.Action).filter((a) => typeof a === 'string').map((a: string) => a.toLowerCase());
    if (!actions.some((a) => a === 'kms:decrypt' || a === 'kms:*')) continue;
    if (!asArray<any>(statement.Resource).some((r) => r === '*')) continue;
    const viaService = Object.values<any>(statement.Condition ?? {}).some((block) => Object.keys(block ?? {}).some((k) => k.toLowerCase() === 'kms:viaservice'));
    out.push({
      severity: viaService ? CheckSeverity.WARNING : CheckSeverity.ERROR,
      resource,
      message: `${where} allows kms:Decrypt on Resource "*"${viaService ? ' (limited by kms:ViaService)' : ''}: every key whose policy trusts IAM. Scope it to the keys' ARNs`,
    });
  }
  return out;
}
