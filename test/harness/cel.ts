// The CEL (x-kubernetes-validations) rules of the upstream CRDs, written by hand in TypeScript.
// ajv cannot evaluate CEL. Each entry names the rule text exactly as the CRD spells it; the harness
// test checks that every rule declared in the CRDs of the kinds this library emits has an entry here.

export type CelCheck = (self: any) => boolean;

const has = (o: any, k: string): boolean => o !== null && typeof o === 'object' && o[k] !== undefined;
const size = (v: any): number => Array.isArray(v) ? v.length : (v && typeof v === 'object') ? Object.keys(v).length : typeof v === 'string' ? v.length : 0;

const countTrue = (...xs: boolean[]): number => xs.filter((x) => x).length;

/** rule text -> implementation: every rule of the ESO v2.9.0 CRDs (core and generators) and of Flux HelmRelease v2. */
export const CEL_RULES: { [rule: string]: CelCheck } = {
  // PushSecret / ClusterPushSecret: dataTo[]
  'has(self.storeRef) && (has(self.storeRef.name) || has(self.storeRef.labelSelector))':
    (s) => has(s, 'storeRef') && (has(s.storeRef, 'name') || has(s.storeRef, 'labelSelector')),
  '!has(self.remoteKey) || !has(self.rewrite) || size(self.rewrite) == 0':
    (s) => !has(s, 'remoteKey') || !has(s, 'rewrite') || size(s.rewrite) === 0,
  // dataTo[].rewrite[]: exactly one of regexp / transform
  '(has(self.regexp) && !has(self.transform)) || (!has(self.regexp) && has(self.transform))':
    (s) => (has(s, 'regexp') && !has(s, 'transform')) || (!has(s, 'regexp') && has(s, 'transform')),
  // AWS provider customSessionTags (a map): keys ESO reserves for itself.
  "!('esoNamespace' in self) && !('esoStoreName' in self) && !('esoStoreKind' in self)":
    (s) => !has(s, 'esoNamespace') && !has(s, 'esoStoreName') && !has(s, 'esoStoreKind'),
  // pulumi: accessToken XOR oidcConfig; auth XOR deprecated accessToken
  '(has(self.accessToken) && !has(self.oidcConfig)) || (!has(self.accessToken) && has(self.oidcConfig))':
    (s) => has(s, 'accessToken') !== has(s, 'oidcConfig'),
  '(has(self.auth) && !has(self.accessToken)) || (!has(self.auth) && has(self.accessToken))':
    (s) => has(s, 'auth') !== has(s, 'accessToken'),
  // doppler.auth: secretRef XOR oidcConfig
  '(has(self.secretRef) && !has(self.oidcConfig)) || (!has(self.secretRef) && has(self.oidcConfig))':
    (s) => has(s, 'secretRef') !== has(s, 'oidcConfig'),
  // openBao auth: exactly one method
  '[has(self.appRole),has(self.tokenSecretRef),has(self.userPass)].filter(x,x==true).size() == 1':
    (s) => countTrue(has(s, 'appRole'), has(s, 'tokenSecretRef'), has(s, 'userPass')) === 1,
  // crd provider: at most one of auth / authRef, and at least one
  '[has(self.auth),has(self.authRef)].filter(x,x==true).size() <= 1':
    (s) => countTrue(has(s, 'auth'), has(s, 'authRef')) <= 1,
  'has(self.auth) || has(self.authRef)':
    (s) => has(s, 'auth') || has(s, 'authRef'),
  // openBao: caBundle vs caProvider
  '[has(self.caBundle),has(self.caProvider)].filter(x,x==true).size() <= 1':
    (s) => countTrue(has(s, 'caBundle'), has(s, 'caProvider')) <= 1,
  // openBao appRole: roleId XOR roleRef
  '[has(self.roleId),has(self.roleRef)].filter(x,x==true).size() == 1':
    (s) => countTrue(has(s, 'roleId'), has(s, 'roleRef')) === 1,
  // onepasswordSDK: vault vs environment
  '[has(self.vault),has(self.environment)].filter(x,x==true).size() <= 1':
    (s) => countTrue(has(s, 'vault'), has(s, 'environment')) <= 1,
  // nebiusmysterybox auth
  'has(self.serviceAccountCredsSecretRef) || has(self.tokenSecretRef)':
    (s) => has(s, 'serviceAccountCredsSecretRef') || has(s, 'tokenSecretRef'),
  // secretserver: token or username+password
  'has(self.token) || (has(self.username) && has(self.password))':
    (s) => has(s, 'token') || (has(s, 'username') && has(s, 'password')),
  // secretserver: value XOR secretRef
  'has(self.value) != has(self.secretRef)':
    (s) => has(s, 'value') !== has(s, 'secretRef'),

  // generators.external-secrets.io GitlabDeployToken / ClusterGenerator: exactly one of projectID / groupID
  'has(self.projectID) != has(self.groupID)':
    (s) => has(s, 'projectID') !== has(s, 'groupID'),

  // Flux HelmRelease v2
  '(has(self.chart) && !has(self.chartRef)) || (!has(self.chart) && has(self.chartRef))':
    (s) => has(s, 'chart') !== has(s, 'chartRef'),
  '!has(self.configMapRef) || !has(self.secretRef)':
    (s) => !has(s, 'configMapRef') || !has(s, 'secretRef'),
  'has(self.configMapRef) || has(self.secretRef)':
    (s) => has(s, 'configMapRef') || has(s, 'secretRef'),
  "!has(self.retryInterval) || self.name != 'RemediateOnFailure'":
    (s) => !has(s, 'retryInterval') || s.name !== 'RemediateOnFailure',
  "!has(self.retryInterval) || self.name == 'RetryOnFailure'":
    (s) => !has(s, 'retryInterval') || s.name === 'RetryOnFailure',
};

/** The hand-written check for a CEL rule text, if any. */
export function findCelCheck(rule: string): CelCheck | undefined {
  return CEL_RULES[rule.replace(/\s+/g, ' ').trim()];
}

/**
 * Evaluates the CEL rules of a kind on an object. `path` uses `/a/b` for properties, `[]` for list items
 * and `/*` for map values, as collected by schemas.ts.
 */
export function checkCel(obj: any, rules: Array<{ path: string; rule: string; message?: string }>): string[] {
  const problems: string[] = [];
  for (const r of rules) {
    const check = findCelCheck(r.rule);
    const targets = select(obj, r.path);
    if (targets.length === 0) continue;
    if (!check) {
      problems.push(`${r.path}: CEL rule not implemented by the harness: ${r.rule}`);
      continue;
    }
    for (const t of targets) {
      if (!check(t.value)) problems.push(`${t.at}: ${r.message ?? 'failed CEL rule'} (rule: ${r.rule})`);
    }
  }
  return problems;
}

function select(obj: any, p: string): Array<{ at: string; value: any }> {
  if (p === '/' || p === '') return [{ at: '/', value: obj }];
  const tokens = p.match(/\/[^/[\]]+|\[\]/g) ?? [];
  let cur: Array<{ at: string; value: any }> = [{ at: '', value: obj }];
  for (const tok of tokens) {
    const next: Array<{ at: string; value: any }> = [];
    for (const c of cur) {
      if (tok === '[]') {
        if (Array.isArray(c.value)) c.value.forEach((v, i) => next.push({ at: `${c.at}/${i}`, value: v }));
      } else if (tok === '/*') {
        if (c.value && typeof c.value === 'object') for (const [k, v] of Object.entries(c.value)) next.push({ at: `${c.at}/${k}`, value: v });
      } else {
        const key = tok.slice(1);
        if (c.value && typeof c.value === 'object' && c.value[key] !== undefined) next.push({ at: `${c.at}/${key}`, value: c.value[key] });
      }
    }
    cur = next;
  }
  return cur;
}
