import { ApiObject } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as k from './kplus';
import { validationError } from '../core/errors';
import type { IProducedSecret } from '../core/produced-secret';

const GRANTS = new WeakMap<IProducedSecret, SecretReadGrant>();
const GRANT_ID = 'ApiReaders';

interface Subject {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/**
 * The RBAC that lets subjects read one Secret through the Kubernetes API: a Role with `get` on that Secret's name
 * only, and a RoleBinding to the subjects, both in the Secret's namespace. Made by `grantRead()` on any produced
 * Secret (an ExternalSecret, a VSO destination, a SealedSecret, a CSI-synced Secret, a `KubernetesSecret`); one per
 * Secret, its subjects growing with each call.
 *
 * It grants and touches no pod: a pod that calls the API also needs a ServiceAccount token, which
 * `SecretConsumer.readThroughApi` mounts into that pod alone. Pods that share the ServiceAccount but only mount
 * the Secret as a volume (or read it from environment variables) keep token automount off.
 *
 * @example
 * // db: an ExternalSecret, or any other produced Secret
 * db.grantRead(identity);          // a WorkloadIdentity, a cdk8s-plus ServiceAccount or User
 */
export class SecretReadGrant extends Construct {
  /**
   * Grants subjects `get` on the Secret through the API (the implementation of `grantRead()` on every produced
   * Secret). ServiceAccounts must be of the Secret's namespace; Groups are refused.
   */
  public static grant(secret: IProducedSecret, subjects: kplus.ISubject[]): SecretReadGrant {
    const grant = GRANTS.get(secret) ?? new SecretReadGrant(secret);
    for (const s of subjects) grant.addSubject(s);
    return grant;
  }

  /** The Role: `get` on the Secret's name only. */
  public readonly role: ApiObject;
  /** The RoleBinding of the Role to the subjects. */
  public readonly roleBinding: ApiObject;
  /** The Secret's name. */
  public readonly secretName: string;
  /** The Secret's namespace (the Role's and RoleBinding's). */
  public readonly secretNamespace: string;
  private readonly subjects = new Map<string, Subject>();

  private constructor(secret: IProducedSecret) {
    super(secret as unknown as Construct, GRANT_ID);
    GRANTS.set(secret, this);
    this.secretName = secret.secretName;
    this.secretNamespace = secret.secretNamespace;
    this.role = k.newRole(this, 'Role', {
      namespace: this.secretNamespace,
      rules: () => [{ apiGroups: [''], resources: ['secrets'], resourceNames: [this.secretName], verbs: ['get'] }],
    });
    this.roleBinding = k.newRoleBindingOf(this, 'RoleBinding', {
      namespace: this.secretNamespace,
      roleName: this.role.name,
      subjects: () => this.subjectList(),
    });
    this.node.addValidation({
      validate: () => this.subjects.size === 0 ? ['grantRead() was called without subjects, so the RoleBinding binds nobody. Fix: pass a ServiceAccount or a WorkloadIdentity'] : [],
    });
  }

  /** The subjects granted, as `Kind namespace/name` (sorted). */
  public get subjectNames(): string[] {
    return this.subjectList().map((s) => `${s.kind} ${s.namespace ? `${s.namespace}/` : ''}${s.name}`);
  }

  private addSubject(subject: kplus.ISubject): void {
    const c = subject.toSubjectConfiguration();
    const described = `${c.kind} ${c.namespace ? `${c.namespace}/` : ''}${c.name}`;
    if (c.kind === 'Group') {
      throw validationError(this, {
        code: 'CS-WL-025',
        prop: 'subjects',
        value: described,
        problem: 'is a Group: every member (for system:serviceaccounts, every pod of the cluster) could read the Secret',
        fix: 'grant the ServiceAccounts that read the Secret, one by one',
      });
    }
    if (c.kind === 'ServiceAccount') {
      if (c.namespace === undefined) {
        throw validationError(this, {
          code: 'CS-WL-026',
          prop: 'subjects',
          value: described,
          problem: 'is a ServiceAccount without a namespace',
          fix: `give the ServiceAccount metadata.namespace "${this.secretNamespace}" (or create it in a chart with that namespace)`,
        });
      }
      if (c.namespace !== this.secretNamespace) {
        throw validationError(this, {
          code: 'CS-WL-027',
          prop: 'subjects',
          value: described,
          problem: `is in namespace "${c.namespace}" but Secret "${this.secretName}" is in "${this.secretNamespace}"; a read across namespaces breaks their isolation`,
          fix: `grant a ServiceAccount of namespace "${this.secretNamespace}", or produce the Secret in "${c.namespace}"`,
        });
      }
    }
    this.subjects.set(described, { kind: c.kind, name: c.name, namespace: c.namespace });
  }

  private subjectList(): Subject[] {
    return [...this.subjects.keys()].sort().map((key) => this.subjects.get(key)!);
  }
}
