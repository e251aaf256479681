import { CheckSeverity } from '../finding';
import { describeK8s, podTemplateOf, RuleResult } from './util';

/**
 * A pod template with `vault.hashicorp.com/agent-inject: "true"` must name the Vault role to log in with
 * (`vault.hashicorp.com/role`), unless it brings its own agent config (`agent-configmap`): the injected agent
 * otherwise fails to authenticate and the pod never starts.
 */
export function vaultInjectorWithoutRole(objects: any[]): RuleResult[] {
  const out: RuleResult[] = [];
  for (const o of objects) {
    const ann = (podTemplateOf(o) ?? (o?.kind === 'Pod' ? o : undefined))?.metadata?.annotations ?? {};
    if (ann['vault.hashicorp.com/agent-inject'] !== 'true') continue;
    if (ann['vault.hashicorp.com/role'] || ann['vault.hashicorp.com/agent-configmap']) continue;
    out.push({
      severity: CheckSeverity.ERROR,
      resource: describeK8s(o),
      message: 'asks for the Vault Agent Injector without vault.hashicorp.com/role: the agent cannot log in and the pod never starts. Add the Kubernetes-auth role annotation',
    });
  }
  return out;
}
