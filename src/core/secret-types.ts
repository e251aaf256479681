/**
 * Data keys the API server requires of the built-in Secret types (k8s.io/kubernetes
 * pkg/apis/core/validation ValidateSecret): all of `allOf`, or at least one of `oneOf`. A producer
 * could never write a typed Secret without them.
 * @internal
 */
export const REQUIRED_SECRET_KEYS: { [type: string]: { readonly allOf?: string[]; readonly oneOf?: string[] } } = {
  'kubernetes.io/tls': { allOf: ['tls.crt', 'tls.key'] },
  'kubernetes.io/basic-auth': { oneOf: ['username', 'password'] },
  'kubernetes.io/ssh-auth': { allOf: ['ssh-privatekey'] },
  'kubernetes.io/dockerconfigjson': { allOf: ['.dockerconfigjson'] },
  'kubernetes.io/dockercfg': { allOf: ['.dockercfg'] },
};

/**
 * What a Secret of `type` with exactly `keys` lacks, as a phrase (`"tls.key"`, `one of "username", "password"`),
 * or undefined when nothing is missing or the type has no required keys.
 * @internal
 */
export function missingSecretKeys(type: string, keys: string[]): string | undefined {
  const rule = REQUIRED_SECRET_KEYS[type];
  if (rule === undefined) return undefined;
  const have = new Set(keys);
  const missing = (rule.allOf ?? []).filter((k) => !have.has(k)).map((k) => `"${k}"`);
  if (missing.length > 0) return missing.join(' and ');
  if (rule.oneOf !== undefined && !rule.oneOf.some((k) => have.has(k))) {
    return `one of ${rule.oneOf.map((k) => `"${k}"`).join(', ')}`;
  }
  return undefined;
}
