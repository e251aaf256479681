import { CheckSeverity } from '../finding';
import { asArray, describeK8s, podTemplateOf, RuleResult } from './util';

/** Secrets in environment variables leak into crash dumps, `/proc` and child processes; volumes are preferred. */
export function secretInEnv(objects: any[]): RuleResult[] {
  const out: RuleResult[] = [];
  for (const o of objects) {
    const spec = podTemplateOf(o)?.spec ?? (o?.kind === 'Pod' ? o.spec : undefined);
    if (!spec) continue;
    for (const c of [...asArray(spec.initContainers), ...asArray(spec.containers)] as any[]) {
      const fromEnv = asArray(c.env).filter((e: any) => e?.valueFrom?.secretKeyRef).map((e: any) => `${e.name} (secret ${e.valueFrom.secretKeyRef.name})`);
      const fromEnvFrom = asArray(c.envFrom).filter((e: any) => e?.secretRef).map((e: any) => `all keys of secret ${e.secretRef.name}`);
      const all = [...fromEnv, ...fromEnvFrom];
      if (all.length > 0) {
        out.push({
          severity: CheckSeverity.WARNING,
          resource: describeK8s(o),
          message: `container ${c.name} reads secrets from environment variables: ${all.join(', ')}. Mount them as a read-only volume instead`,
        });
      }
    }
  }
  return out;
}
