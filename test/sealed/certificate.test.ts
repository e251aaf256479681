import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { EC_CERT_PEM, EXAMPLE_CERT_FILE, EXAMPLE_KEY_PEM, INSIDE_VALIDITY, OTHER_CERT_PEM, RSA1024_CERT_PEM, referenceUnseal } from './fixtures';
import { SealedSecret, SealedValue, SealingCertificate } from '../../src';

const EXAMPLE_PEM = fs.readFileSync(EXAMPLE_CERT_FILE, 'utf8');
const EXAMPLE_FINGERPRINT = 'BB:09:56:AE:2D:05:71:A6:FD:C7:F3:9F:85:F7:43:5E:11:25:8E:F0:47:F0:61:B5:0A:7C:44:B0:A1:3B:2E:2E';

function sealWith(cert: SealingCertificate): SealedSecret {
  return new SealedSecret(Testing.chart(), 'S', { name: 'a', namespace: 'n', certificate: cert, values: { k: SealedValue.unsafePlainText('v') } });
}

describe('SealingCertificate: loading', () => {
  test('GIVEN the example certificate file THEN its fingerprint, validity and key are read', () => {
    const cert = SealingCertificate.fromPemFile(EXAMPLE_CERT_FILE);
    expect(cert.fingerprint).toBe(EXAMPLE_FINGERPRINT);
    expect(cert.notBefore.toISOString()).toBe('2021-01-25T12:25:35.000Z');
    expect(cert.notAfter.toISOString()).toBe('2031-01-23T12:25:35.000Z');
    expect(cert.keyType).toBe('rsa');
    expect(cert.modulusBits).toBe(4096);
  });

  test('GIVEN a PEM with several certificates THEN the first CERTIFICATE block is used, like kubeseal --cert', () => {
    const cert = SealingCertificate.fromPem(`# comment\n${EXAMPLE_PEM}${EC_CERT_PEM}`, { checkValidityAt: INSIDE_VALIDITY });
    expect(cert.fingerprint).toBe(EXAMPLE_FINGERPRINT);
    const ss = sealWith(cert);
    expect(referenceUnseal(EXAMPLE_KEY_PEM, ss.encryptedData.k, 'n/a').toString()).toBe('v');
    // EC first: the EC certificate is the one used, and it is refused.
    expect(() => sealWith(SealingCertificate.fromPem(`${EC_CERT_PEM}${EXAMPLE_PEM}`))).toThrow(/must hold an RSA public key/);
  });

  test('GIVEN a PEM without a certificate (a private key by mistake) THEN it fails without echoing the PEM', () => {
    expect(() => SealingCertificate.fromPem(EXAMPLE_KEY_PEM)).toThrow(/^\[SealingCertificate\.fromPem\] pem: holds no "-----BEGIN CERTIFICATE-----" block\. Fix: pass the certificate as `kubeseal --fetch-cert` prints it/);
  });

  test('GIVEN a corrupt CERTIFICATE block THEN it fails', () => {
    expect(() => SealingCertificate.fromPem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'))
      .toThrow(/pem: holds a CERTIFICATE block that does not parse/);
  });

  test('GIVEN a missing file THEN it fails naming the path', () => {
    const missing = path.join(os.tmpdir(), 'no-such-cert.pem');
    expect(() => SealingCertificate.fromPemFile(missing)).toThrow(/\[SealingCertificate\.fromPemFile\] pemFile: cannot be read \(ENOENT\) \(got ".*no-such-cert\.pem"\)/);
  });
});

describe('SealingCertificate: checks when sealing', () => {
  test('GIVEN an EC certificate THEN sealing fails: not RSA', () => {
    expect(() => sealWith(SealingCertificate.fromPem(EC_CERT_PEM))).toThrow(/^\[test\/S\] certificate: must hold an RSA public key: Sealed Secrets seals with RSA-OAEP \(got "ec key \(fingerprint [0-9A-F:]+\)"\)/);
  });

  test('GIVEN a 1024-bit RSA certificate THEN sealing fails: too weak', () => {
    expect(() => sealWith(SealingCertificate.fromPem(RSA1024_CERT_PEM))).toThrow(/certificate: must hold an RSA key of at least 2048 bits \(got "RSA-1024/);
  });

  test('GIVEN a clock after notAfter THEN sealing fails: expired', () => {
    const cert = SealingCertificate.fromPem(EXAMPLE_PEM, { checkValidityAt: new Date('2031-01-23T12:25:36Z') });
    expect(() => sealWith(cert)).toThrow(/certificate: has expired \(checked at 2031-01-23T12:25:36\.000Z\); kubeseal refuses expired certificates too \(got "valid until 2031-01-23T12:25:35\.000Z"\)\. Fix: fetch the current certificate/);
  });

  test('GIVEN a clock before notBefore THEN sealing fails: not valid yet', () => {
    const cert = SealingCertificate.fromPem(EXAMPLE_PEM, { checkValidityAt: new Date('2021-01-25T12:25:34Z') });
    expect(() => sealWith(cert)).toThrow(/certificate: is not valid yet \(checked at 2021-01-25T12:25:34\.000Z\) \(got "valid from 2021-01-25T12:25:35\.000Z"\)/);
  });

  test('GIVEN the boundaries of the validity period THEN sealing works', () => {
    expect(() => sealWith(SealingCertificate.fromPem(EXAMPLE_PEM, { checkValidityAt: new Date('2021-01-25T12:25:35Z') }))).not.toThrow();
    expect(() => sealWith(SealingCertificate.fromPem(EXAMPLE_PEM, { checkValidityAt: new Date('2031-01-23T12:25:35Z') }))).not.toThrow();
  });

  test('GIVEN no clock override THEN the current time is used', () => {
    jest.useFakeTimers({ now: new Date('2035-01-01T00:00:00Z') });
    try {
      expect(() => sealWith(SealingCertificate.fromPem(EXAMPLE_PEM))).toThrow(/has expired \(checked at 2035-01-01T00:00:00\.000Z\)/);
    } finally {
      jest.useRealTimers();
    }
  });

  test('GIVEN a pinned fingerprint that matches (any common spelling) THEN sealing works', () => {
    for (const pin of [EXAMPLE_FINGERPRINT, EXAMPLE_FINGERPRINT.replace(/:/g, '').toLowerCase(), `SHA256 Fingerprint=${EXAMPLE_FINGERPRINT}`, `sha256 fingerprint=${EXAMPLE_FINGERPRINT.toLowerCase()}`]) {
      expect(() => sealWith(SealingCertificate.fromPem(EXAMPLE_PEM, { expectedFingerprint: pin, checkValidityAt: INSIDE_VALIDITY }))).not.toThrow();
    }
  });

  test('GIVEN a pinned fingerprint of another certificate THEN sealing fails: mismatch', () => {
    const other = SealingCertificate.fromPem(OTHER_CERT_PEM).fingerprint;
    const cert = SealingCertificate.fromPem(EXAMPLE_PEM, { expectedFingerprint: other, checkValidityAt: INSIDE_VALIDITY });
    expect(() => sealWith(cert)).toThrow(new RegExp(`certificate: does not match the pinned fingerprint ${other} \\(got "fingerprint ${EXAMPLE_FINGERPRINT}"\\)`));
  });

  test('GIVEN a pin that is not a SHA-256 fingerprint THEN loading fails', () => {
    expect(() => SealingCertificate.fromPem(EXAMPLE_PEM, { expectedFingerprint: 'SHA1:abcd' })).toThrow(/expectedFingerprint: must be a SHA-256 fingerprint: 64 hex digits/);
    expect(() => SealingCertificate.fromPem(EXAMPLE_PEM, { expectedFingerprint: 'Z'.repeat(64) })).toThrow(/expectedFingerprint: must be a SHA-256 fingerprint/);
  });
});
