import { CheckFinding, CheckSeverity, CheckSuppression } from './finding';
import { annotationPlacement } from './rules/annotation-placement';
import { clusterStoreConditions } from './rules/cluster-store-conditions';
import { iamSecretReadWildcard } from './rules/iam-secret-read-wildcard';
import { irsaServiceAccountMismatch } from './rules/irsa-service-account-mismatch';
import { irsaTrustWithoutSub } from './rules/irsa-trust-without-sub';
import { plaintextSecretData } from './rules/plaintext-secret-data';
import { rbacBroadSecretAccess } from './rules/rbac-broad-secret-access';
import { secretInEnv } from './rules/secret-in-env';
import { RuleResult } from './rules/util';
import { validationError } from '../core/errors';

/** Options for {@link SecretsChecks.check}. */
export interface SecretsChecksOptions {
  /**
   * Findings to accept, each with its reason (kept in the report as `suppressedBecause`).
   * @default - none
   */
  readonly suppressions?: CheckSuppression[];
}

type Rule = (objects: any[], templates: { [stack: string]: any }) => RuleResult[];

/** The rule pack: rule id -> rule. Each rule is a pure function in its own file under `rules/`. */
const RULES: { [id: string]: Rule } = {
  'plaintext-secret-data': (o) => plaintextSecretData(o),
  'secret-in-env': (o) => secretInEnv(o),
  'rbac-broad-secret-access': (o) => rbacBroadSecretAccess(o),
  'cluster-store-conditions': (o) => clusterStoreConditions(o),
  'annotation-placement': (o) => annotationPlacement(o),
  'iam-secret-read-wildcard': (_o, t) => iamSecretReadWildcard(t),
  'irsa-trust-without-sub': (_o, t) => irsaTrustWithoutSub(t),
  'irsa-service-account-mismatch': (o, t) => irsaServiceAccountMismatch(o, t),
};

/**
 * Posture checks over the synthesized output of both worlds: Kubernetes objects and CloudFormation templates.
 *
 * Rules: `plaintext-secret-data`, `secret-in-env` (warning), `rbac-broad-secret-access`,
 * `cluster-store-conditions` (warning), `annotation-placement`, `iam-secret-read-wildcard`,
 * `irsa-trust-without-sub`, `irsa-service-account-mismatch`. A rule that fails on unexpected input is reported
 * as an error finding of its own, never swallowed.
 */
export class SecretsChecks {
  /** The ids of every rule in the pack. */
  public static get ruleIds(): string[] {
    return Object.keys(RULES).sort();
  }

  /**
   * Runs every rule.
   * @param manifests the Kubernetes objects (as `chart.toJson()` or parsed YAML gives them)
   * @param templates CloudFormation templates by stack name
   */
  public static check(manifests: any[], templates: { [stack: string]: any } = {}, options: SecretsChecksOptions = {}): CheckFinding[] {
    const suppressions = options.suppressions ?? [];
    suppressions.forEach((s, i) => {
      if (!RULES[s.ruleId]) {
        throw validationError('SecretsChecks', {
          prop: `suppressions[${i}].ruleId`, value: s.ruleId, problem: 'is not a rule of the pack', fix: `use one of ${SecretsChecks.ruleIds.join(', ')}`,
        });
      }
      if (!s.reason || s.reason.trim().length === 0) {
        throw validationError('SecretsChecks', {
          prop: `suppressions[${i}].reason`, value: s.reason, problem: 'is empty', fix: 'say why the finding is acceptable; it stays in the report',
        });
      }
    });
    const findings: CheckFinding[] = [];
    for (const ruleId of SecretsChecks.ruleIds) {
      let results: RuleResult[];
      try {
        results = RULES[ruleId](manifests, templates);
      } catch (e) {
        results = [{ severity: CheckSeverity.ERROR, resource: '<rule>', message: `the rule failed: ${(e as Error).message}` }];
      }
      for (const r of results) {
        const s = suppressions.find((x) => x.ruleId === ruleId && (x.resource === undefined || x.resource === r.resource));
        findings.push({ ruleId, ...r, ...(s ? { suppressedBecause: s.reason } : {}) });
      }
    }
    return findings;
  }

  /** The findings that fail a build: errors that are not suppressed. */
  public static errorsOf(findings: CheckFinding[]): CheckFinding[] {
    return findings.filter((f) => f.severity === CheckSeverity.ERROR && f.suppressedBecause === undefined);
  }

  /** One line per finding: `error   rule-id  resource: message`. */
  public static format(findings: CheckFinding[]): string[] {
    return findings.map((f) => `${f.suppressedBecause !== undefined ? 'suppressed' : f.severity}  ${f.ruleId}  ${f.resource}: ${f.message}`
      + (f.suppressedBecause !== undefined ? ` (suppressed: ${f.suppressedBecause})` : ''));
  }

  private constructor() {}
}
