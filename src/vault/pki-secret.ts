import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { vsoDuration } from './connection';
import { VaultDestinationSecretType, VaultSyncedSecretProps } from './destination';
import { checkVaultName } from './internal';
import { VaultCapability } from './policy';
import { VaultSyncedSecretBase } from './synced-secret';
import { VaultAccess } from './use';
import { validationError } from '../core/errors';

/** The certificate encoding Vault returns. */
export enum VaultPkiFormat {
  /** PEM. */
  PEM = 'pem',
  /** DER, base64-encoded. */
  DER = 'der',
  /** PEM with the private key and issuing CA appended to the certificate. */
  PEM_BUNDLE = 'pem_bundle',
}

/** The private key encoding Vault returns. */
export enum VaultPkiPrivateKeyFormat {
  /** The format's default (PKCS#1 for RSA, SEC1 for EC). */
  DER = 'der',
  /** PKCS#8. */
  PKCS8 = 'pkcs8',
}

/**
 * Props for `VaultPKISecret`.
 */
export interface VaultPKISecretProps extends VaultSyncedSecretProps {
  /** The PKI secrets engine mount (for example `pki`). */
  readonly mount: string;
  /** The PKI role to issue with. */
  readonly role: string;
  /**
   * The certificate's common name.
   * @default - none (the role must allow that)
   */
  readonly commonName?: string;
  /**
   * Subject alternative DNS names.
   * @default - none
   */
  readonly altNames?: string[];
  /**
   * IP subject alternative names.
   * @default - none
   */
  readonly ipSans?: string[];
  /**
   * URI subject alternative names.
   * @default - none
   */
  readonly uriSans?: string[];
  /**
   * Certificate lifetime (a positive whole number of seconds).
   * @default - the role's TTL
   */
  readonly ttl?: Duration;
  /**
   * How long before expiry VSO renews (a positive whole number of seconds).
   * @default - the operator's default
   */
  readonly expiryOffset?: Duration;
  /**
   * The certificate encoding.
   * @default VaultPkiFormat.PEM
   */
  readonly format?: VaultPkiFormat;
  /**
   * The private key encoding.
   * @default VaultPkiPrivateKeyFormat.DER
   */
  readonly privateKeyFormat?: VaultPkiPrivateKeyFormat;
  /**
   * The issuer to use (its name or ID, or `default`). VSO then issues at
   * `<mount>/issuer/<issuerRef>/issue/<role>`, which is the path the derived policy grants.
   * @default - the mount's default issuer (`<mount>/issue/<role>`)
   */
  readonly issuerRef?: string;
  /**
   * Leave the common name out of the SANs.
   * @default false
   */
  readonly excludeCnFromSans?: boolean;
  /**
   * Revoke the certificate when the object is deleted (adds `update` on `<mount>/revoke`).
   * @default false
   */
  readonly revoke?: boolean;
  /**
   * Clear the Secret's data when the object is deleted.
   * @default false
   */
  readonly clear?: boolean;
}

/**
 * A VSO `VaultPKISecret` (secrets.hashicorp.com/v1beta1): issues a certificate from a PKI role into a
 * Kubernetes Secret (type kubernetes.io/tls by default) and renews it before expiry. Its request
 * (`create` and `update` on `<mount>/issue/<role>`, or `<mount>/issuer/<issuerRef>/issue/<role>`) is added to the policy of the VaultAuth's role.
 * @see https://developer.hashicorp.com/vault/docs/platform/k8s/vso/api-reference#vaultpkisecret
 */
export class VaultPKISecret extends VaultSyncedSecretBase {
  /** The mount. */
  public readonly mount: string;
  /** The PKI role. */
  public readonly role: string;
  private readonly revoke: boolean;
  private readonly issuerRef?: string;

  public constructor(scope: Construct, id: string, props: VaultPKISecretProps) {
    const tls = (props.destination?.type ?? VaultDestinationSecretType.TLS) === VaultDestinationSecretType.TLS;
    const base = ['certificate', 'expiration', 'issuing_ca', 'private_key', 'private_key_type', 'serial_number'];
    super(scope, id, 'VaultPKISecret', { ...props, expectedKeys: [...(props.expectedKeys ?? base), ...(tls ? ['tls.crt', 'tls.key'] : [])] }, VaultDestinationSecretType.TLS, (self) => {
      checkVaultName(self, 'mount', props.mount, { allowSlash: true });
      checkVaultName(self, 'role', props.role);
      if (props.issuerRef !== undefined) checkVaultName(self, 'issuerRef', props.issuerRef);
      const ttl = vsoDuration(self, 'ttl', props.ttl);
      const expiryOffset = vsoDuration(self, 'expiryOffset', props.expiryOffset);
      const sans = [...(props.altNames ?? []), ...(props.ipSans ?? []), ...(props.uriSans ?? [])];
      if (props.commonName === undefined && sans.length === 0) {
        throw validationError(self, {
          code: 'CS-VAULT-046',
          prop: 'commonName',
          problem: 'is unset and no SANs are given: the certificate would name nothing',
          fix: 'set commonName (and altNames as needed)',
        });
      }
      return {
        mount: props.mount,
        role: props.role,
        commonName: props.commonName,
        altNames: props.altNames ? [...props.altNames] : undefined,
        ipSans: props.ipSans ? [...props.ipSans] : undefined,
        uriSans: props.uriSans ? [...props.uriSans] : undefined,
        ttl,
        expiryOffset,
        format: props.format,
        privateKeyFormat: props.privateKeyFormat,
        issuerRef: props.issuerRef,
        excludeCNFromSans: props.excludeCnFromSans,
        revoke: props.revoke ?? false,
        clear: props.clear ?? false,
      };
    });
    this.mount = props.mount;
    this.role = props.role;
    this.revoke = props.revoke ?? false;
    this.issuerRef = props.issuerRef;
  }

  /** @internal */
  protected _access(): VaultAccess[] {
    // VSO's request path: <mount>/issue/<role>, or <mount>/issuer/<issuerRef>/issue/<role> with an issuer.
    const issue = this.issuerRef !== undefined ? `${this.mount}/issuer/${this.issuerRef}/issue/${this.role}` : `${this.mount}/issue/${this.role}`;
    const access: VaultAccess[] = [{ path: issue, capabilities: [VaultCapability.CREATE, VaultCapability.UPDATE] }];
    if (this.revoke) access.push({ path: `${this.mount}/revoke`, capabilities: [VaultCapability.UPDATE] });
    return access;
  }
}
