import { CheckSeverity } from '../finding';
import { secretProducers } from './refs';
import { RuleResult } from './util';

/**
 * Two objects create the same Secret (same namespace and name): the controllers overwrite each other's data in a
 * loop, and deleting one owner deletes the Secret the other one fills. ESO `creationPolicy: Merge` and VSO
 * `create: false` fill an existing Secret and are not creators.
 */
export function duplicateSecretProducer(objects: any[]): RuleResult[] {
  const byKey = new Map<string, string[]>();
  for (const p of secretProducers(objects).filter((x) => x.creates && x.namespace !== '*')) {
    const key = `${p.namespace ?? '<no namespace>'}/${p.name}`;
    byKey.set(key, [...(byKey.get(key) ?? []), p.producer]);
  }
  const out: RuleResult[] = [];
  for (const [key, producers] of [...byKey.entries()].sort()) {
    if (producers.length < 2) continue;
    out.push({
      severity: CheckSeverity.ERROR,
      resource: producers[1],
      message: `creates Secret ${key}, which ${producers.filter((p) => p !== producers[1]).join(', ')} also creates: `
        + 'the owners overwrite each other. Keep one producer (or make the others fill it with creationPolicy Merge)',
    });
  }
  return out;
}
