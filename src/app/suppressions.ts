import { IConstruct } from 'constructs';
import { CheckSuppression } from '../checks/finding';
import { SecretsChecks } from '../checks/secrets-checks';
import { validationError } from '../core/errors';

interface Entry { readonly ruleId: string; readonly reason: string }

const SUPPRESSIONS = new WeakMap<IConstruct, Entry[]>();
/** Per construct tree (root), the constructs that carry suppressions. */
const HOLDERS = new WeakMap<IConstruct, IConstruct[]>();

/**
 * Suppresses posture findings (`SecretsChecks`) for the objects a construct writes, with a reason that stays
 * in the report, as cdk-nag does. Applies to every Kubernetes object and CloudFormation resource under the
 * construct.
 *
 * @example
 * SecretsSuppressions.add(deployment, 'secret-in-env', 'the legacy app reads its token from the environment');
 */
export class SecretsSuppressions {
  /**
   * Suppresses a rule for everything under `scope`.
   * @param scope a construct in a target's chart or in a stack
   * @param ruleId the rule, one of `SecretsChecks.ruleIds`
   * @param reason why the finding is acceptable (required)
   */
  public static add(scope: IConstruct, ruleId: string, reason: string): void {
    if (!SecretsChecks.ruleIds.includes(ruleId)) {
      throw validationError(scope, { code: 'CS-APP-020', prop: 'ruleId', value: ruleId, problem: 'is not a rule of the pack', fix: `use one of ${SecretsChecks.ruleIds.join(', ')}` });
    }
    if (typeof reason !== 'string' || reason.trim().length === 0) {
      throw validationError(scope, { code: 'CS-APP-021', prop: 'reason', value: reason, problem: 'is empty', fix: 'say why the finding is acceptable; it stays in the report' });
    }
    const list = SUPPRESSIONS.get(scope) ?? [];
    if (list.length === 0) {
      const root = scope.node.root;
      HOLDERS.set(root, [...(HOLDERS.get(root) ?? []), scope]);
    }
    list.push({ ruleId, reason });
    SUPPRESSIONS.set(scope, list);
  }

  /** The suppressions added on exactly this construct (a copy). */
  public static of(scope: IConstruct): CheckSuppression[] {
    return (SUPPRESSIONS.get(scope) ?? []).map((e) => ({ ruleId: e.ruleId, reason: e.reason }));
  }

  /**
   * The constructs of a construct tree that carry suppressions.
   * @internal
   */
  public static _holders(root: IConstruct): IConstruct[] {
    return [...(HOLDERS.get(root) ?? [])];
  }

  private constructor() {}
}
