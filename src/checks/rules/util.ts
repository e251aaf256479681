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
