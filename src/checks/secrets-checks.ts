import { CheckFinding, CheckSeverity, CheckSuppression } from './finding';
import type { RuleContext } from './rules/pack';
import { describeK8s, RuleResult } from './rules/util';
import { validationError } from '../core/errors';
import { lazy } from '../core/lazy';

/** Options for `SecretsChecks.check`. */
export interface SecretsChecksOptions {
  /**
   * Findings to accept, each with its reason (kept in the report as `suppressedBecause`).
   * @default - none
   */
  readonly suppressions?: CheckSuppression[];

  /**
   * The Kubernetes version the manifests are applied to, such as `"1.28"` or `"v1.30.2"`. Turns on the
   * `kubernetes-version` rule: built-in API versions that release removed, chart installs and CRDs it cannot accept.
   * @default - the `kubernetes-version` rule does not run
   */
  readonly kubernetesVersion?: string;
}

const SUPPRESS_ANNOTATION_PREFIX = 'suppress.cdk8s-secrets.io/';


/**
 * Posture checks over the synthesized output of both worlds: Kubernetes objects and CloudFormation templates.
 *
 * Rules (see `SecretsChecks.ruleIds`; each is documented in docs/checks.md): posture rules over single objects
 * (`plaintext-secret-data`, `secret-in-env`, `rbac-broad-secret-access`, `annotation-placement`, ...), IAM rules over
 * the templates (`iam-secret-read-wildcard`, `irsa-trust-without-sub`, ...) and cross-object rules that need the whole
 * output (`reloader-unknown-secret`, `duplicate-secret-producer`, `irsa-service-account-mismatch`, ...). A rule that
 * fails on unexpected input is reported as an error finding of its own, never swallowed.
 *
 * Suppressions come from `options.suppressions` and from an annotation on the object itself:
 * `suppress.cdk8s-secrets.io/<rule-id>: "<reason>"`.
 */
export class SecretsChecks {
  /**
   * The annotation prefix that suppresses a rule on one Kubernetes object: `suppress.cdk8s-secrets.io/<rule-id>: "<reason>"`
   * on the object's own metadata. An empty reason suppresses nothing (the finding says so).
   */
  public static readonly SUPPRESS_ANNOTATION_PREFIX = SUPPRESS_ANNOTATION_PREFIX;

  /** The ids of every rule in the pack. */
  public static get ruleIds(): string[] {
    return Object.keys(lazy.rules.RULES).sort();
  }

  /**
   * Runs every rule.
   * @param manifests the Kubernetes objects (as `chart.toJson()` or parsed YAML gives them)
   * @param templates CloudFormation templates by stack name
   */
  public static check(manifests: any[], templates: { [stack: string]: any } = {}, options: SecretsChecksOptions = {}): CheckFinding[] {
    const suppressions = options.suppressions ?? [];
    suppressions.forEach((s, i) => {
      if (!lazy.rules.RULES[s.ruleId]) {
        throw validationError('SecretsChecks', {
          code: 'CS-CHECKS-001', prop: `suppressions[${i}].ruleId`, value: s.ruleId, problem: 'is not a rule of the pack', fix: `use one of ${SecretsChecks.ruleIds.join(', ')}`,
        });
      }
      if (!s.reason || s.reason.trim().length === 0) {
        throw validationError('SecretsChecks', {
          code: 'CS-CHECKS-002', prop: `suppressions[${i}].reason`, value: s.reason, problem: 'is empty', fix: 'say why the finding is acceptable; it stays in the report',
        });
      }
    });
    if (options.kubernetesVersion !== undefined && !lazy.rules.parseKubernetesVersion(options.kubernetesVersion)) {
      throw validationError('SecretsChecks', {
        code: 'CS-CHECKS-003', prop: 'kubernetesVersion', value: options.kubernetesVersion, problem: 'is not a Kubernetes version', fix: 'write it as "1.30" or "v1.30.2"',
      });
    }
    const annotated = new Map<string, { [key: string]: unknown }>();
    for (const o of manifests) {
      const a = o?.metadata?.annotations;
      if (a && Object.keys(a).some((k) => k.startsWith(SUPPRESS_ANNOTATION_PREFIX))) annotated.set(describeK8s(o), a);
    }
    const fromAnnotation = (ruleId: string, resource: string): { reason?: string; empty?: boolean } => {
      // Findings about Kubernetes objects start with `Kind namespace/name` (some add a detail in parentheses).
      // Kubernetes names hold no space, so the object is what comes before the first " (".
      const cut = resource.indexOf(' (');
      const key = annotated.has(resource) ? resource : cut > 0 ? resource.slice(0, cut) : undefined;
      if (key === undefined || !annotated.has(key)) return {};
      const v = annotated.get(key)![`${SUPPRESS_ANNOTATION_PREFIX}${ruleId}`];
      if (v === undefined) return {};
      return typeof v === 'string' && v.trim().length > 0 ? { reason: v.trim() } : { empty: true };
    };
    const ctx: RuleContext = { kubernetesVersion: options.kubernetesVersion };
    const findings: CheckFinding[] = [];
    // What several rules derive from the manifests (their Secret producers) is derived once for all of them.
    const resultsOf = lazy.rules.withRuleMemo(() => SecretsChecks.ruleIds.map((ruleId): RuleResult[] => {
      try {
        return lazy.rules.RULES[ruleId](manifests, templates, ctx);
      } catch (e) {
        return [{ severity: CheckSeverity.ERROR, resource: '<rule>', message: `the rule failed: ${(e as Error).message}` }];
      }
    }));
    SecretsChecks.ruleIds.forEach((ruleId, i) => {
      const results = resultsOf[i];
      for (const r of results) {
        const s = suppressions.find((x) => x.ruleId === ruleId && (x.resource === undefined || x.resource === r.resource));
        const a = fromAnnotation(ruleId, r.resource);
        const reason = s?.reason ?? a.reason;
        const message = a.empty ? `${r.message} (annotation ${SUPPRESS_ANNOTATION_PREFIX}${ruleId} has no reason: not applied)` : r.message;
        findings.push({ ruleId, ...r, message, ...(reason !== undefined ? { suppressedBecause: reason } : {}) });
      }
    });
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
