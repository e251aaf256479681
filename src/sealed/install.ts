import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { goDuration } from '../core/duration';
import { validationError } from '../core/errors';
import { checkDnsLabel } from '../core/validate';
import { Charts } from '../install/charts';
import { InstallDelivery } from '../install/delivery';
import { HelmInstall } from '../install/helm-install';

/** The controller name the upstream docs and kubeseal's `--controller-name` default use. */
const DEFAULT_CONTROLLER_NAME = 'sealed-secrets-controller';
const DEFAULT_NAMESPACE = 'kube-system';

/** Values that the typed props own; `values` must not set them. */
const OWNED_VALUES = ['fullnameOverride', 'namespace', 'keyrenewperiod', 'networkPolicy.enabled'];

/**
 * Props for `SealedSecretsInstall`.
 */
export interface SealedSecretsInstallProps {
  /**
   * The controller's name: its Deployment and Service (Helm `fullnameOverride`), and what
   * `kubeseal --controller-name` must be given.
   * @default 'sealed-secrets-controller'
   */
  readonly controllerName?: string;

  /**
   * The namespace the controller runs in (and keeps its sealing keys in); what
   * `kubeseal --controller-namespace` must be given.
   * @default 'kube-system'
   */
  readonly namespace?: string;

  /**
   * The Helm release name (also the name of the Argo CD Application or Flux HelmRelease).
   * @default 'sealed-secrets'
   */
  readonly releaseName?: string;

  /**
   * How the install reaches the cluster.
   * @default InstallDelivery.argoCd()
   */
  readonly delivery?: InstallDelivery;

  /**
   * How often the controller generates a new sealing key (Helm `keyrenewperiod`). Old keys are kept, so
   * existing SealedSecrets still unseal; new ones should be sealed with the new certificate.
   * `Duration.seconds(0)` turns renewal off (not recommended).
   * @default - the controller's default, 30 days
   */
  readonly keyRenewPeriod?: Duration;

  /**
   * Install the chart's NetworkPolicy, which restricts ingress to the controller.
   * @default false (the chart's default; `kubeseal --fetch-cert` reaches the controller through the API server proxy)
   */
  readonly networkPolicy?: boolean;

  /**
   * More Helm values for the chart, merged under the typed ones. Must not set what a typed prop owns
   * (`fullnameOverride`, `namespace`, `keyrenewperiod`, `networkPolicy.enabled`).
   * @default - none
   */
  readonly values?: { [key: string]: any };
}

/**
 * The Sealed Secrets controller, installed from the pinned `sealed-secrets` chart
 * (`Charts.SEALED_SECRETS`) through a `HelmInstall`.
 *
 * The controller's name and namespace are one value: the Helm values (`fullnameOverride`, `namespace`),
 * the install's namespace, and the kubeseal flags (`kubesealArgs`, `fetchCertCommand`) all read
 * them from here.
 */
export class SealedSecretsInstall extends Construct {
  /** The controller's name (`--controller-name`). */
  public readonly controllerName: string;
  /** The controller's namespace (`--controller-namespace`). */
  public readonly namespace: string;
  /** The Helm install. */
  public readonly helmInstall: HelmInstall;

  public constructor(scope: Construct, id: string, props: SealedSecretsInstallProps = {}) {
    super(scope, id);
    this.controllerName = checkDnsLabel(this, 'controllerName', props.controllerName ?? DEFAULT_CONTROLLER_NAME);
    this.namespace = checkDnsLabel(this, 'namespace', props.namespace ?? DEFAULT_NAMESPACE);

    const extra = props.values ?? {};
    for (const owned of OWNED_VALUES) {
      if (hasPath(extra, owned)) {
        throw validationError(this, {
          code: 'CS-SEALED-010',
          prop: `values.${owned}`,
          value: getPath(extra, owned),
          problem: 'is set by a typed prop of SealedSecretsInstall',
          fix: 'remove it from values and use the typed prop (controllerName, namespace, keyRenewPeriod, networkPolicy)',
        });
      }
    }

    const values: { [key: string]: any } = deepMerge(extra, {
      fullnameOverride: this.controllerName,
      namespace: this.namespace,
    });
    if (props.keyRenewPeriod !== undefined) {
      const seconds = props.keyRenewPeriod.toSeconds();
      values.keyrenewperiod = seconds === 0 ? '0' : goDuration(props.keyRenewPeriod);
    }
    if (props.networkPolicy !== undefined) {
      values.networkPolicy = { ...(values.networkPolicy ?? {}), enabled: props.networkPolicy };
    }

    this.helmInstall = new HelmInstall(this, 'Install', {
      chart: Charts.SEALED_SECRETS,
      releaseName: props.releaseName ?? 'sealed-secrets',
      namespace: this.namespace,
      values,
      delivery: props.delivery,
    });
  }

  /** The kubeseal flags that point at this controller. */
  public get kubesealArgs(): string[] {
    return [`--controller-name=${this.controllerName}`, `--controller-namespace=${this.namespace}`];
  }

  /**
   * The command that saves this controller's certificate, for `SealingCertificate.fromPemFile`.
   * @param certFile where to write the certificate
   */
  public fetchCertCommand(certFile: string): string {
    return ['kubeseal', ...this.kubesealArgs, '--fetch-cert', '>', shellQuote(certFile)].join(' ');
  }
}

function hasPath(obj: any, dotted: string): boolean {
  let cur = obj;
  for (const part of dotted.split('.')) {
    if (cur === null || typeof cur !== 'object' || !(part in cur)) return false;
    cur = cur[part];
  }
  return true;
}

function getPath(obj: any, dotted: string): any {
  return dotted.split('.').reduce((cur, part) => cur?.[part], obj);
}

function deepMerge(base: any, over: any): any {
  const out: any = JSON.parse(JSON.stringify(base ?? {}));
  for (const [k, v] of Object.entries(over)) {
    out[k] = v !== null && typeof v === 'object' && !Array.isArray(v) && typeof out[k] === 'object' && out[k] !== null
      ? deepMerge(out[k], v) : v;
  }
  return out;
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./-]+$/.test(s) ? s : `'${s.replace(/'/g, '\'\\\'\'')}'`;
}
