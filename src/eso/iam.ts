// The IAM a store's reads need: least-privilege grants on Secrets Manager secrets and SSM parameters (exact ARNs,
// KMS decrypt through the service), and the session-tag ABAC variant. Internal: the providers call it per remote use.
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { RemoteRefOperation, RemoteRefUse } from './remote-ref';
import { validationError } from '../core/errors';
import { lazy } from '../core/lazy';
import { isUnresolved } from '../core/validate';
import { concreteAccount, partitionOfRegion } from '../identity/bridge';

/**
 * The assumed role as a grantee whose reads are conditioned on the remote secret's tenant tag: a statement on
 * secret or parameter ARNs gets `<service>:ResourceTag/<key> == ${aws:PrincipalTag/esoNamespace}`. Statements that
 * IAM cannot condition on a resource tag (`ListSecrets`, `DescribeParameters` on "*", KMS through `kms:ViaService`)
 * and writes are added unchanged.
 */
export class AbacGrantee implements iam.IPrincipal {
  public readonly grantPrincipal: iam.IPrincipal = this;
  public readonly assumeRoleAction: string;
  public constructor(public readonly role: iam.IRole, private readonly tagKey: string) {
    this.assumeRoleAction = role.assumeRoleAction;
  }
  public get policyFragment(): iam.PrincipalPolicyFragment {
    return this.role.policyFragment;
  }
  public get principalAccount(): string | undefined {
    return this.role.principalAccount;
  }
  public addToPolicy(statement: iam.PolicyStatement): boolean {
    return this.addToPrincipalPolicy(statement).statementAdded;
  }
  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    const json = statement.toStatementJson();
    const actions: string[] = [].concat(json.Action ?? []);
    if (actions.length > 0 && actions.every((a) => ABAC_READS.has(a))) {
      const service = actions[0].split(':')[0];
      const conditionKey = service === 'ssm' ? `ssm:resourceTag/${this.tagKey}` : `secretsmanager:ResourceTag/${this.tagKey}`;
      statement.addCondition('StringEquals', { [conditionKey]: '${aws:PrincipalTag/esoNamespace}' });
    }
    return this.role.addToPrincipalPolicy(statement);
  }
}

/** Reads IAM evaluates against the secret's or parameter's own tags. */
export const ABAC_READS = new Set(['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret', 'ssm:GetParameter', 'ssm:GetParameters',
  'ssm:GetParametersByPath', 'ssm:ListTagsForResource']);

export function granteeScope(store: IConstruct, grantee: iam.IGrantable): IConstruct {
  // The principal first: a WorkloadIdentity lives in a chart, its role in a stack.
  const candidates: any[] = grantee instanceof AbacGrantee ? [grantee.role] : [grantee.grantPrincipal, grantee];
  for (const c of candidates) {
    if (Construct.isConstruct(c)) return c;
  }
  throw validationError(store, {
    code: 'CS-ESO-027',
    prop: 'provider.auth',
    problem: 'has a grantee that is not a construct in a CDK stack, so the account of the ARNs to grant on is unknown',
    fix: 'grant to a WorkloadIdentity, an iam.Role or an iam.User',
  });
}

export function remoteKey(prefix: string | undefined, key: string): string {
  return `${prefix ?? ''}${key}`;
}

export function grantSecretsManager(store: IConstruct, grantee: iam.IGrantable, region: string, use: RemoteRefUse, prefix: string | undefined): void {
  const scope = granteeScope(store, grantee);
  const partition = partitionOfRegion(region);
  const account = () => concreteAccount(scope);
  const arnFor = (key: string): string => {
    if (key.startsWith('arn:')) {
      // A complete ARN (with the six random characters) is granted as is; a partial one gets the suffix pattern.
      return /-[A-Za-z0-9]{6}$/.test(key) ? key : `${key}-??????`;
    }
    return `arn:${partition}:secretsmanager:${region}:${account()}:secret:${key}-??????`;
  };
  const entry = use.secretsManagerEntry;
  switch (use.operation) {
    case RemoteRefOperation.READ: {
      // metadataPolicy Fetch reads the secret's tags (DescribeSecret) instead of its value.
      if (entry) {
        if (use.metadataPolicyFetch) entry.grantDescribe(grantee, region);
        else entry.grantGetSecretValue(grantee, region);
        return;
      }
      const arn = arnFor(remoteKey(prefix, use.key));
      const action = use.metadataPolicyFetch ? 'secretsmanager:DescribeSecret' : 'secretsmanager:GetSecretValue';
      lazy.iam.Grant.addToPrincipal({ grantee, actions: [action], resourceArns: [arn] });
      return;
    }
    case RemoteRefOperation.FIND: {
      // ListSecrets and BatchGetSecretValue have no resource-level permissions: Resource "*" is the only
      // form IAM accepts. They list names and batch reads; the values themselves still need GetSecretValue
      // on each secret, which is scoped below.
      lazy.iam.Grant.addToPrincipal({ grantee, actions: ['secretsmanager:BatchGetSecretValue', 'secretsmanager:ListSecrets'], resourceArns: ['*'] });
      const patterns: string[] = [];
      if (use.findAllowReadAnySecret) patterns.push('*');
      for (const p of use.findReadScope ?? []) {
        const name = remoteKey(prefix, p);
        patterns.push(`arn:${partition}:secretsmanager:${region}:${account()}:secret:${name}${name.endsWith('*') ? '' : '-??????'}`);
      }
      if (patterns.length === 0 && use.key) {
        patterns.push(`arn:${partition}:secretsmanager:${region}:${account()}:secret:${remoteKey(prefix, use.key)}*`);
      }
      if (patterns.length === 0) {
        throw validationError(use.consumer, {
          code: 'CS-ESO-028',
          prop: 'dataFrom.find',
          problem: 'finds secrets by name or tags without a path, so the secrets it reads cannot be derived',
          fix: 'give find a path (a name prefix), list readScope name patterns, or set allowReadAnySecret: true to grant GetSecretValue on "*"',
        });
      }
      lazy.iam.Grant.addToPrincipal({ grantee, actions: ['secretsmanager:GetSecretValue'], resourceArns: patterns });
      for (const key of use.findEncryptionKeys ?? []) {
        lazy.iam.Grant.addToPrincipal({
          grantee,
          actions: ['kms:Decrypt'],
          resourceArns: [key.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } },
        });
      }
      return;
    }
    case RemoteRefOperation.WRITE: {
      // ESO describes the secret (it writes only secrets tagged managed-by=external-secrets), creates it with that tag
      // when missing, else reads the current value, writes a new version, reconciles the tags (Tag/UntagResource)
      // and removes any resource policy its metadata does not ask for (DeleteResourcePolicy).
      const actions = ['secretsmanager:CreateSecret', 'secretsmanager:DeleteResourcePolicy', 'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:TagResource', 'secretsmanager:UntagResource',
        ...(use.deleteOnRemoval ? ['secretsmanager:DeleteSecret'] : [])].sort();
      const arn = entry ? entry.arnPatternIn(region) : arnFor(remoteKey(prefix, use.key));
      lazy.iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [arn] });
      const key = entry && region === entry.region ? entry.encryptionKey : undefined;
      if (key) {
        lazy.iam.Grant.addToPrincipal({
          grantee,
          actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*'],
          resourceArns: [key.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } },
        });
      }
      return;
    }
  }
}

export const KMS_KEY_ARN = /^arn:[a-z-]+:kms:([a-z0-9-]+):\d{12}:key\/[A-Za-z0-9-]+$/;

/**
 * The ARN of the Parameter Store CMK to grant on. A literal ARN must be a key ARN in the store's region; a token
 * ARN is accepted only for a key in the stack of `granteeAt` (undefined: the render-time check, before any grant).
 */
export function parameterKeyArn(scope: IConstruct, key: kms.IKey, region: string, granteeAt: IConstruct | undefined): string {
  const arn = key.keyArn;
  if (isUnresolved(arn)) {
    const keyStack = lazy.cdk.Stack.of(key);
    if (!isUnresolved(keyStack.region) && keyStack.region !== region) throw wrongRegion(scope, arn, keyStack.region, region);
    if (granteeAt === undefined || keyStack === lazy.cdk.Stack.of(granteeAt)) return arn;
    throw validationError(scope, {
      code: 'CS-ESO-029',
      prop: 'provider.encryptionKey',
      value: arn,
      problem: `is an unresolved CDK token of stack ${keyStack.node.path}, not of the granted identity's stack ${lazy.cdk.Stack.of(granteeAt).node.path}; granting on it would create a cross-stack reference`,
      fix: 'define the key in the stack of the granted identity, or import it with `Key.fromKeyArn` of aws-kms and a literal key ARN',
    });
  }
  const m = KMS_KEY_ARN.exec(arn);
  if (!m) {
    throw validationError(scope, {
      code: 'CS-ESO-030',
      prop: 'provider.encryptionKey',
      value: arn,
      problem: 'is not a KMS key ARN (IAM evaluates kms:Decrypt against the key ARN, never an alias)',
      fix: 'pass the key, or `Key.fromKeyArn` of aws-kms with an ARN such as "arn:aws:kms:eu-central-1:111122223333:key/<key-id>"',
    });
  }
  if (m[1] !== region) throw wrongRegion(scope, arn, m[1], region);
  return arn;
}

export function wrongRegion(scope: IConstruct, arn: string, keyRegion: string, region: string): Error {
  return validationError(scope, {
    code: 'CS-ESO-031',
    prop: 'provider.encryptionKey',
    value: arn,
    problem: `is in region ${keyRegion}, but the store reads Parameter Store in ${region}; SSM only uses keys of its own region`,
    fix: `use a key in ${region}`,
  });
}

export function grantParameterStore(store: IConstruct, grantee: iam.IGrantable, region: string, use: RemoteRefUse, prefix: string | undefined,
  keyArn: string | undefined): void {
  const scope = granteeScope(store, grantee);
  const partition = partitionOfRegion(region);
  const arnFor = (name: string) => `arn:${partition}:ssm:${region}:${concreteAccount(scope)}:parameter/${name.replace(/^\/+/, '')}`;
  // SecureString values under a customer-managed key: SSM calls KMS on the caller's behalf (kms:ViaService).
  const grantKey = (actions: string[]) => {
    if (!keyArn) return;
    lazy.iam.Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: [keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `ssm.${region}.amazonaws.com` } },
    });
  };
  switch (use.operation) {
    case RemoteRefOperation.READ: {
      // metadataPolicy Fetch reads the parameter's tags (ListTagsForResource) instead of its value.
      const arn = arnFor(remoteKey(prefix, use.key));
      const action = use.metadataPolicyFetch ? 'ssm:ListTagsForResource' : 'ssm:GetParameter';
      lazy.iam.Grant.addToPrincipal({ grantee, actions: [action], resourceArns: [arn] });
      if (!use.metadataPolicyFetch) grantKey(['kms:Decrypt']);
      return;
    }
    case RemoteRefOperation.FIND: {
      // DescribeParameters has no resource-level permissions ("*" is the only form IAM accepts); values are
      // read with GetParameter(s)/GetParametersByPath on the scoped ARNs.
      lazy.iam.Grant.addToPrincipal({ grantee, actions: ['ssm:DescribeParameters'], resourceArns: ['*'] });
      const patterns: string[] = [];
      if (use.findAllowReadAnySecret) patterns.push('*');
      for (const p of use.findReadScope ?? []) patterns.push(arnFor(remoteKey(prefix, p)));
      if (patterns.length === 0 && use.key) {
        const base = arnFor(remoteKey(prefix, use.key)).replace(/\/+$/, '');
        patterns.push(base, `${base}/*`);
      }
      if (patterns.length === 0) {
        throw validationError(use.consumer, {
          code: 'CS-ESO-032',
          prop: 'dataFrom.find',
          problem: 'finds parameters by name or tags without a path, so the parameters it reads cannot be derived',
          fix: 'give find a path, list readScope name patterns, or set allowReadAnySecret: true to grant reads on "*"',
        });
      }
      lazy.iam.Grant.addToPrincipal({ grantee, actions: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'], resourceArns: patterns });
      grantKey(['kms:Decrypt']);
      return;
    }
    case RemoteRefOperation.WRITE: {
      // ESO reads the parameter and its tags (it writes only parameters tagged managed-by=external-secrets), puts the
      // value and reconciles the tags.
      const actions = ['ssm:AddTagsToResource', 'ssm:GetParameter', 'ssm:ListTagsForResource', 'ssm:PutParameter', 'ssm:RemoveTagsFromResource',
        ...(use.deleteOnRemoval ? ['ssm:DeleteParameter'] : [])].sort();
      lazy.iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [arnFor(remoteKey(prefix, use.key))] });
      grantKey(['kms:Decrypt', 'kms:Encrypt']);
      return;
    }
  }
}
