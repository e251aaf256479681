/**
 * How serious a finding is.
 */
export enum CheckSeverity {
  /** The output is insecure or will not work: fails `SecretsChecks.assertNoErrors`. */
  ERROR = 'error',
  /** Advisory: reported, never fails on its own. */
  WARNING = 'warning',
}

/**
 * One problem a rule found in the synthesized output.
 */
export interface CheckFinding {
  /** The rule's id, such as `plaintext-secret-data`. */
  readonly ruleId: string;
  /** How serious it is. */
  readonly severity: CheckSeverity;
  /** What it is about: `Kind namespace/name` for manifests, `<stack>/<logicalId>` for templates. */
  readonly resource: string;
  /** What is wrong and how to fix it. Never contains a secret value. */
  readonly message: string;
  /**
   * The reason it was suppressed, when a suppression matched.
   * @default - not suppressed
   */
  readonly suppressedBecause?: string;
}

/**
 * Turns off one rule, for every resource or for one, with a reason that stays in the report.
 */
export interface CheckSuppression {
  /** The rule to suppress. */
  readonly ruleId: string;
  /**
   * Only findings about this resource (as the finding names it).
   * @default - every resource
   */
  readonly resource?: string;
  /** Why this is acceptable. Required: a suppression without a reason is an error. */
  readonly reason: string;
}
