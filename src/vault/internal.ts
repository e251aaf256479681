// Internal plumbing of the vault folder: lazily rendered artifacts and the symbols that let constructs
// find each other without import cycles. Nothing here is exported from the package.
import { Construct, IConstruct } from 'constructs';
import { FileArtifact } from '../core/artifact';
import { validationError } from '../core/errors';
import { checkDnsLabel, resolveNamespace } from '../core/validate';

/** @internal */
export const CONFIGURATION_SYMBOL = Symbol.for('cdk8s-secrets.VaultConfiguration');

/** What a VaultPolicy or VaultKubernetesRole needs from the configuration it lives in. @internal */
export interface ConfigurationLike extends IConstruct {
  readonly directory: string;
  _renderPolicyFile(policy: IConstruct): string;
  _renderRoleFile(role: IConstruct): string;
}

/** The nearest VaultConfiguration above `scope`, or undefined. @internal */
export function findConfiguration(scope: IConstruct): ConfigurationLike | undefined {
  const scopes = scope.node.scopes;
  for (let i = scopes.length - 1; i >= 0; i--) {
    if (CONFIGURATION_SYMBOL in scopes[i]) return scopes[i] as unknown as ConfigurationLike;
  }
  return undefined;
}

/** Like findConfiguration, but throws a clear error when the construct is not inside one. @internal */
export function requireConfiguration(scope: IConstruct, what: string, how: string): ConfigurationLike {
  const config = findConfiguration(scope);
  if (!config) {
    throw validationError(scope, {
      code: 'CS-VAULT-035',
      prop: 'scope',
      value: scope.node.path,
      problem: `${what} must be created inside a VaultConfiguration, which writes it to a file`,
      fix: `create it with ${how}`,
    });
  }
  return config;
}

/**
 * A FileArtifact whose content is rendered when it is read (at synth), so it reflects everything the
 * program added after the artifact was created.
 * @internal
 */
export class LazyFileArtifact extends FileArtifact {
  private readonly render: () => string;
  public constructor(scope: Construct, id: string, fileName: string, render: () => string, executable?: boolean) {
    super(scope, id, { fileName, content: '', executable });
    this.render = render;
  }

  public get content(): string {
    return this.render();
  }
}

/**
 * The namespace of a namespaced Vault object: the prop, else the chart's namespace. Vault roles bind
 * namespaces, so it must be known at synth.
 * @internal
 */
export function resolveVaultObjectNamespace(scope: IConstruct, prop: string, value: string | undefined): string {
  return checkDnsLabel(scope, prop, resolveNamespace(scope, prop, value, 'the namespace decides which Vault role bindings the object needs'));
}

/** Vault's mount and role names: letters, digits, '-', '_' and '.', with '/' between mount path segments. @internal */
export function checkVaultName(scope: IConstruct, prop: string, value: string, options: { allowSlash?: boolean } = {}): string {
  const re = options.allowSlash
    ? /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?(\/[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?)*$/
    : /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/;
  if (typeof value !== 'string' || value.length > 128 || !re.test(value)) {
    throw validationError(scope, {
      code: 'CS-VAULT-036',
      prop,
      value,
      problem: options.allowSlash
        ? 'must be a Vault mount path: segments of letters, digits, \'.\', \'_\' and \'-\' separated by \'/\', without leading or trailing \'/\''
        : 'must be a Vault name: letters, digits, \'.\', \'_\' and \'-\', starting and ending with a letter or digit',
      fix: 'use a name such as "kv-secrets"',
    });
  }
  return value;
}
