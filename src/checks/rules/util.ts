import { CheckSeverity } from '../finding';

export interface RuleResult {
  readonly severity: CheckSeverity;
  readonly resource: string;
  readonly message: string;
}

export function describeK8s(obj: any): string {
  const md = obj?.metadata ?? {};
  return `${obj?.kind ?? '?'} ${md.namespace ? `${md.namespace}/` : ''}${md.name ?? '?'}`;
}

/** The pod template of a workload object, or undefined. */
export function podTemplateOf(obj: any): any | undefined {
  switch (obj?.kind) {
    case 'Deployment': case 'StatefulSet': case 'DaemonSet': case 'ReplicaSet': case 'Job':
      return obj.spec?.template;
    case 'CronJob':
      return obj.spec?.jobTemplate?.spec?.template;
    default:
      return undefined;
  }
}

/** An array for a value that may be a single item. */
export function asArray<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/**
 * Objects indexed for lookups by kind, name and namespace, so that a rule that matches each reference against the
 * input costs one lookup per reference, not a scan of the input. `candidates` returns, in input order, every object
 * of `kind` and `name` that could be in `namespace` (in it, or without a namespace); `undefined` for `namespace` means
 * any namespace. Callers still apply their own full predicate to the candidates.
 */
export class ObjectIndex {
  private readonly all = new Map<string, any[]>();
  private readonly inNamespace = new Map<string, any[]>();
  private readonly withoutNamespace = new Map<string, any[]>();
  private readonly position = new Map<any, number>();

  public constructor(objects: any[]) {
    objects.forEach((o, i) => {
      this.position.set(o, i);
      const key = `${o?.kind}\0${o?.metadata?.name}`;
      push(this.all, key, o);
      const ns = o?.metadata?.namespace;
      if (ns === undefined) push(this.withoutNamespace, key, o);
      else push(this.inNamespace, `${key}\0${ns}`, o);
    });
  }

  public candidates(kind: string, name: string, namespace?: string): any[] {
    const key = `${kind}\0${name}`;
    if (namespace === undefined) return this.all.get(key) ?? [];
    const a = this.inNamespace.get(`${key}\0${namespace}`) ?? [];
    const b = this.withoutNamespace.get(key) ?? [];
    if (a.length === 0) return b;
    if (b.length === 0) return a;
    return [...a, ...b].sort((x, y) => this.position.get(x)! - this.position.get(y)!);
  }
}

function push(map: Map<string, any[]>, key: string, o: any): void {
  const list = map.get(key);
  if (list) list.push(o);
  else map.set(key, [o]);
}
