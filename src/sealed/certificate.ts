import * as crypto from 'crypto';
import * as fs from 'fs';
import { IConstruct } from 'constructs';
import { SealingKey } from './crypto';
import { validationError } from '../core/errors';

const SEALING_CERTIFICATE = Symbol.for('cdk8s-secrets.SealingCertificate');

/** Smallest RSA modulus accepted for sealing (the controller generates 4096-bit keys). */
const MIN_RSA_BITS = 2048;

/**
 * Options for `SealingCertificate`.
 */
export interface SealingCertificateOptions {
  /**
   * Pin the certificate: its SHA-256 fingerprint over the DER encoding, as
   * `openssl x509 -noout -fingerprint -sha256 -in cert.pem` prints it. Case, `:` separators and a
   * `SHA256 Fingerprint=` prefix are ignored. Sealing fails when the certificate does not match, which
   * catches a certificate file swapped for another controller's (or an attacker's).
   * @default - no pin: any valid RSA certificate is accepted
   */
  readonly expectedFingerprint?: string;

  /**
   * The instant at which the certificate's validity period is checked. Meant for tests and for
   * re-building an old commit; leave it unset otherwise.
   * @default - the current time when a SealedSecret is sealed
   */
  readonly checkValidityAt?: Date;
}

/**
 * The Sealed Secrets controller's public certificate, used to seal values at synth time.
 *
 * Give it the PEM that `kubeseal --fetch-cert` prints (or the controller serves at `/v1/cert.pem`). Like
 * `kubeseal --cert`, the first CERTIFICATE block of the PEM is used. Sealing fails with a clear error when
 * the certificate does not hold an RSA key (or one shorter than 2048 bits), has expired, is not valid yet,
 * or does not match a pinned fingerprint.
 */
export class SealingCertificate {
  /**
   * Whether `x` is a SealingCertificate (also across copies of this library loaded side by side).
   * @param x the value to test
   */
  public static isSealingCertificate(x: any): x is SealingCertificate {
    return x !== null && typeof x === 'object' && SEALING_CERTIFICATE in x;
  }

  /**
   * Reads the certificate from a PEM file (read when this is called, at synth time).
   * @param pemFile path to the PEM file (relative paths resolve against the current working directory)
   */
  public static fromPemFile(pemFile: string, options: SealingCertificateOptions = {}): SealingCertificate {
    const where = 'SealingCertificate.fromPemFile';
    let pem: string;
    try {
      pem = fs.readFileSync(pemFile, 'utf8');
    } catch (e: any) {
      throw validationError(where, {
        code: 'CS-SEALED-001',
        prop: 'pemFile',
        value: pemFile,
        problem: `cannot be read (${e?.code ?? e?.message ?? e})`,
        fix: 'save the controller certificate with `kubeseal --fetch-cert > cert.pem` and pass that path',
      });
    }
    return new SealingCertificate(pem, options, `${where}(${JSON.stringify(pemFile)})`);
  }

  /**
   * Uses a certificate given as a PEM string.
   */
  public static fromPem(pem: string, options: SealingCertificateOptions = {}): SealingCertificate {
    return new SealingCertificate(pem, options, 'SealingCertificate.fromPem');
  }

  /** SHA-256 fingerprint of the certificate (DER), upper-case hex with `:` separators, as openssl prints it. */
  public readonly fingerprint: string;
  /** Start of the validity period. */
  public readonly notBefore: Date;
  /** End of the validity period. */
  public readonly notAfter: Date;
  /** The certificate's key type as Node reports it (`rsa` for a usable certificate). */
  public readonly keyType: string;
  /** Size of the RSA modulus in bits (0 when the key is not RSA). */
  public readonly modulusBits: number;

  private readonly publicKey: crypto.KeyObject;
  private readonly fingerprintBytes: Buffer;
  private readonly options: SealingCertificateOptions;

  private constructor(pem: string, options: SealingCertificateOptions, where: string) {
    Object.defineProperty(this, SEALING_CERTIFICATE, { value: true });
    const block = firstCertificateBlock(pem);
    if (!block) {
      throw validationError(where, {
        code: 'CS-SEALED-002',
        prop: 'pem',
        problem: 'holds no "-----BEGIN CERTIFICATE-----" block',
        fix: 'pass the certificate as `kubeseal --fetch-cert` prints it (a PEM CERTIFICATE, not a key)',
      });
    }
    let cert: crypto.X509Certificate;
    try {
      cert = new crypto.X509Certificate(block);
    } catch (e: any) {
      throw validationError(where, {
        code: 'CS-SEALED-003',
        prop: 'pem',
        problem: `holds a CERTIFICATE block that does not parse (${e?.message ?? e})`,
        fix: 'fetch the certificate again with `kubeseal --fetch-cert`',
      });
    }
    this.options = { ...options };
    this.publicKey = cert.publicKey;
    this.fingerprint = cert.fingerprint256;
    this.fingerprintBytes = Buffer.from(cert.fingerprint256.replace(/:/g, ''), 'hex');
    this.notBefore = new Date(Date.parse(cert.validFrom));
    this.notAfter = new Date(Date.parse(cert.validTo));
    this.keyType = cert.publicKey.asymmetricKeyType ?? 'unknown';
    this.modulusBits = this.keyType === 'rsa' ? (cert.publicKey.asymmetricKeyDetails?.modulusLength ?? 0) : 0;
    if (options.expectedFingerprint !== undefined && !/^[0-9A-F]{64}$/.test(normalizeFingerprint(options.expectedFingerprint))) {
      throw validationError(where, {
        code: 'CS-SEALED-004',
        prop: 'expectedFingerprint',
        value: options.expectedFingerprint,
        problem: 'must be a SHA-256 fingerprint: 64 hex digits, optionally separated by ":"',
        fix: 'copy it from `openssl x509 -noout -fingerprint -sha256 -in cert.pem`',
      });
    }
  }

  /**
   * Checks the certificate for use by `scope` and returns what sealing needs. Every problem is a
   * validation error that names the construct.
   * @internal
   */
  public _use(scope: IConstruct): SealingKey {
    if (this.keyType !== 'rsa') {
      throw validationError(scope, {
        code: 'CS-SEALED-005',
        prop: 'certificate',
        value: `${this.keyType} key (fingerprint ${this.fingerprint})`,
        problem: 'must hold an RSA public key: Sealed Secrets seals with RSA-OAEP',
        fix: 'use the certificate of the Sealed Secrets controller (`kubeseal --fetch-cert`)',
      });
    }
    if (this.modulusBits < MIN_RSA_BITS) {
      throw validationError(scope, {
        code: 'CS-SEALED-006',
        prop: 'certificate',
        value: `RSA-${this.modulusBits} (fingerprint ${this.fingerprint})`,
        problem: `must hold an RSA key of at least ${MIN_RSA_BITS} bits`,
        fix: 'use the controller certificate (the controller generates 4096-bit keys)',
      });
    }
    const now = this.options.checkValidityAt ?? new Date();
    if (now.getTime() > this.notAfter.getTime()) {
      throw validationError(scope, {
        code: 'CS-SEALED-007',
        prop: 'certificate',
        value: `valid until ${this.notAfter.toISOString()}`,
        problem: `has expired (checked at ${now.toISOString()}); kubeseal refuses expired certificates too`,
        fix: 'fetch the current certificate with `kubeseal --fetch-cert` (the controller renews its key every 30 days by default)',
      });
    }
    if (now.getTime() < this.notBefore.getTime()) {
      throw validationError(scope, {
        code: 'CS-SEALED-008',
        prop: 'certificate',
        value: `valid from ${this.notBefore.toISOString()}`,
        problem: `is not valid yet (checked at ${now.toISOString()})`,
        fix: 'check the clock of this machine, or wait until the certificate becomes valid',
      });
    }
    const pin = this.options.expectedFingerprint;
    if (pin !== undefined && normalizeFingerprint(pin) !== this.fingerprint.replace(/:/g, '')) {
      throw validationError(scope, {
        code: 'CS-SEALED-009',
        prop: 'certificate',
        value: `fingerprint ${this.fingerprint}`,
        problem: `does not match the pinned fingerprint ${pin}`,
        fix: 'seal with the pinned controller certificate, or update expectedFingerprint after verifying the new certificate',
      });
    }
    return {
      publicKey: this.publicKey,
      modulusBytes: Math.ceil(this.modulusBits / 8),
      fingerprint: this.fingerprintBytes,
    };
  }
}

function firstCertificateBlock(pem: string): string | undefined {
  if (typeof pem !== 'string') return undefined;
  const m = /-----BEGIN CERTIFICATE-----\r?\n[\s\S]*?-----END CERTIFICATE-----/.exec(pem);
  return m ? `${m[0]}\n` : undefined;
}

function normalizeFingerprint(text: string): string {
  return text.trim().replace(/^sha-?256\s*fingerprint\s*=\s*/i, '').replace(/:/g, '').toUpperCase();
}
