import { Construct } from 'constructs';
import { EncryptionProvider } from './providers';
import { FileArtifact } from '../core/artifact';
import { validationError } from '../core/errors';
import { stringifyManifests } from '../core/yaml-writer';

/**
 * Which resources one set of providers encrypts.
 */
export interface EncryptionResourceRule {
  /**
   * The resources: `secrets`, `configmaps`, `<resource>.<group>`, `*.<group>`, `*.` (every core resource)
   * or `*.*` (everything).
   * @default ['secrets']
   */
  readonly resources?: string[];
  /** The providers, in order: the first encrypts, all decrypt. `identity` may only come last. */
  readonly providers: EncryptionProvider[];
}

/**
 * Props for `EncryptionConfiguration`.
 */
export interface EncryptionConfigurationProps {
  /**
   * The file name, relative to the output folder.
   * @default 'encryption-config.yaml'
   */
  readonly fileName?: string;
  /** The resource rules, in order (an earlier wildcard masks later rules). */
  readonly rules: EncryptionResourceRule[];
}

const RESOURCE = /^(\*\.\*|\*\.|\*\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$/;

/**
 * The API server's encryption at rest configuration (`apiserver.config.k8s.io/v1`
 * `EncryptionConfiguration`), written as a file artifact for `--encryption-provider-config`.
 *
 * The file necessarily contains the local providers' keys: install it on every control-plane node with mode
 * 0600, owned by root, and keep it out of Git. Keys are read from explicit inputs only and never appear in
 * error messages.
 *
 * @see https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/
 */
export class EncryptionConfiguration extends Construct {
  /** The written file. */
  public readonly artifact: FileArtifact;
  /** The file name, relative to the output folder. */
  public readonly fileName: string;

  public constructor(scope: Construct, id: string, props: EncryptionConfigurationProps) {
    super(scope, id);
    if (props.rules.length === 0) {
      throw validationError(this, { code: 'CS-ENC-005', prop: 'rules', value: [], problem: 'is empty', fix: 'add a rule whose `providers` are, for example, `EncryptionProvider.secretbox` with one key, then `EncryptionProvider.identity()`' });
    }
    const seen = new Map<string, number>();
    const kmsNames = new Map<string, string>();
    const resources = props.rules.map((rule, r) => {
      const list = rule.resources ?? ['secrets'];
      if (list.length === 0) {
        throw validationError(this, { code: 'CS-ENC-006', prop: `rules[${r}].resources`, value: [], problem: 'is empty', fix: 'list resources such as "secrets", or leave resources out' });
      }
      list.forEach((res, i) => {
        const prop = `rules[${r}].resources[${i}]`;
        if (!RESOURCE.test(res)) {
          throw validationError(this, { code: 'CS-ENC-007', prop, value: res, problem: 'is not a resource, "<resource>.<group>", "*.<group>", "*." or "*.*"', fix: 'use a resource such as "secrets"' });
        }
        const earlier = seen.get(res);
        if (earlier !== undefined) {
          throw validationError(this, { code: 'CS-ENC-008', prop, value: res, problem: `is already listed in rules[${earlier}]`, fix: 'list each resource once' });
        }
        const masking = [...seen.entries()].find(([prev]) => masks(prev, res));
        if (masking !== undefined) {
          throw validationError(this, {
            code: 'CS-ENC-009',
            prop,
            value: res,
            problem: `is masked by "${masking[0]}" in rules[${masking[1]}], which comes first`,
            fix: 'move the more specific rule before the wildcard',
          });
        }
        seen.set(res, r);
      });

      if (rule.providers.length === 0) {
        throw validationError(this, { code: 'CS-ENC-010', prop: `rules[${r}].providers`, value: [], problem: 'is empty', fix: 'add a provider such as `EncryptionProvider.secretbox` with one key' });
      }
      const types = new Set<string>();
      const providers = rule.providers.map((p, i) => {
        const prop = `rules[${r}].providers[${i}]`;
        if (p._isIdentity && i !== rule.providers.length - 1) {
          throw validationError(this, {
            code: 'CS-ENC-011',
            prop,
            value: 'identity',
            problem: i === 0 ? 'comes first, so every write would be stored unencrypted' : 'comes before other providers; it may only be last',
            fix: 'put identity last (to read data written before encryption), or leave it out',
          });
        }
        if (p._isIdentity && rule.providers.length === 1) {
          throw validationError(this, {
            code: 'CS-ENC-012',
            prop,
            value: 'identity',
            problem: 'is the only provider, so nothing is encrypted',
            fix: 'add an encrypting provider (secretbox, aesgcm, aescbc or kms) before identity',
          });
        }
        if (p._kmsName !== undefined) {
          const name = p._kmsName!;
          const other = kmsNames.get(name);
          if (other !== undefined) {
            throw validationError(this, { code: 'CS-ENC-013', prop: `${prop}.name`, value: name, problem: `is also the name of the KMS provider at ${other}`, fix: 'give each KMS provider its own name' });
          }
          kmsNames.set(name, prop);
        } else if (types.has(p._type)) {
          throw validationError(this, { code: 'CS-ENC-014', prop, value: p._type, problem: 'is listed twice in this rule', fix: 'put all keys of one provider type in one provider (the first key encrypts)' });
        }
        types.add(p._type);
        return p._render(this, prop);
      });
      return { resources: [...list], providers };
    });

    this.fileName = props.fileName ?? 'encryption-config.yaml';
    const header = [
      '# EncryptionConfiguration for kube-apiserver --encryption-provider-config.',
      '# Contains encryption keys: install with mode 0600, owned by root, on every control-plane node; never commit it.',
      '# The first provider of each rule encrypts; within a provider the first key encrypts.',
    ].join('\n');
    const doc = stringifyManifests({ apiVersion: 'apiserver.config.k8s.io/v1', kind: 'EncryptionConfiguration', resources });
    this.artifact = new FileArtifact(this, 'Resource', { fileName: this.fileName, content: `${header}\n${doc}`, ownerOnly: true });
  }
}

/** Whether an earlier resource entry makes a later one unreachable. */
function masks(earlier: string, later: string): boolean {
  if (earlier === '*.*') return true;
  const groupOf = (r: string) => (r.includes('.') ? r.slice(r.indexOf('.') + 1) : '');
  if (earlier === '*.') return !later.includes('.') || later === '*.';
  if (earlier.startsWith('*.')) return groupOf(later) === earlier.slice(2) && later !== '*.*';
  return false;
}
