#!/usr/bin/env python3
"""External Secrets Operator acting on the example's output, against AWS emulated by moto in server mode, in a real
API server (the env file of cluster.sh sourced).

    eso-run.py <external-secrets binary> <dist dir> <default region>

1. moto runs on 127.0.0.1 as the account the example's role ARNs name. Every CloudFormation template of dist/ is
   deployed into moto's CloudFormation (region: a `-<region>` suffix of the file name, else the default region);
   for every resource type the report says whether moto created the object behind it.
2. Every Secrets Manager entry an ExternalSecret of dist/ reads through an AWS store is given a test value (a JSON
   object with the properties the ExternalSecrets read) unless the stack already holds one with those properties.
3. The Namespaces, ServiceAccounts, (Cluster)SecretStores and ExternalSecrets of dist/ are applied for real by
   server-side apply, plus the controller's ServiceAccount from the install's Helm values. ESO runs out of cluster
   with its AWS endpoints pointed at moto; its `jwt` auth requests a real ServiceAccount token from the TokenRequest
   API and exchanges it through STS AssumeRoleWithWebIdentity.
4. Every ExternalSecret on an AWS store must become Ready and its Secret must hold exactly the values moto holds
   (compared here, never printed). ExternalSecrets on other providers are listed as not run here.
Self-test: an ExternalSecret reading an entry that does not exist must not become Ready.
"""
import base64
import glob
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import yaml  # PyYAML ships with moto's server extra

BIN, DIST, DEFAULT_REGION = sys.argv[1:4]
SERVER = os.environ['KUBE_SERVER']
STATE = os.path.dirname(os.environ['KUBECONFIG'])
ctx = ssl.create_default_context(cafile=os.environ['KUBE_CA'])
ctx.load_cert_chain(os.environ['KUBE_CLIENT_CERT'], os.environ['KUBE_CLIENT_KEY'])
failures = []


def fail(msg):
    print(f'FAIL {msg}', flush=True)
    failures.append(msg)


def kube(method, path, body=None, content_type='application/json'):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(SERVER + path, data=data, method=method,
                                 headers={'Content-Type': content_type, 'Accept': 'application/json'})
    try:
        with urllib.request.urlopen(req, context=ctx) as r:
            return r.status, json.loads(r.read() or b'{}')
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b'{}')


PLURAL = {'Namespace': ('/api/v1', 'namespaces', False), 'ServiceAccount': ('/api/v1', 'serviceaccounts', True),
          'SecretStore': ('/apis/external-secrets.io/v1', 'secretstores', True),
          'ClusterSecretStore': ('/apis/external-secrets.io/v1', 'clustersecretstores', False),
          'ExternalSecret': ('/apis/external-secrets.io/v1', 'externalsecrets', True)}


def obj_path(o):
    base, plural, namespaced = PLURAL[o['kind']]
    ns = f"/namespaces/{o['metadata'].get('namespace', 'default')}" if namespaced else ''
    return f"{base}{ns}/{plural}/{o['metadata']['name']}"


def apply(o):
    code, body = kube('PATCH', obj_path(o) + '?fieldManager=argocd-controller&force=true', o, 'application/apply-patch+yaml')
    if code not in (200, 201):
        raise SystemExit(f"apply {o['kind']} {o['metadata'].get('namespace', '')}/{o['metadata']['name']}: HTTP {code}: {body.get('message')}")


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    p = s.getsockname()[1]
    s.close()
    return p


def exists(client, region, rtype, phys, res):
    """Whether moto holds the object a stack resource stands for (what moto's CloudFormation really did)."""
    if not phys:
        return ''
    try:
        if rtype == 'AWS::IAM::Role':
            role = client('iam', region).get_role(RoleName=phys)['Role']
            trust = role.get('AssumeRolePolicyDocument')
            return '(role exists, trust policy stored)' if trust else '(role exists, no trust policy)'
        if rtype == 'AWS::IAM::Policy':
            iam = client('iam', region)
            roles = [r['Ref'] if isinstance(r, dict) else r for r in res['Properties'].get('Roles', [])]
            return '(inline policy on its role)' if roles else '(no role)'
        if rtype == 'AWS::SecretsManager::Secret':
            d = client('secretsmanager', region).describe_secret(SecretId=phys)
            return f"(secret exists{', KMS key ' + d['KmsKeyId'] if d.get('KmsKeyId') else ''})"
        if rtype == 'AWS::KMS::Key':
            client('kms', region).describe_key(KeyId=phys)
            return '(key exists; moto does not evaluate key policies)'
        if rtype == 'AWS::EKS::PodIdentityAssociation':
            return '(moto has no EKS Pod Identity data plane: recorded only)'
    except Exception as e:  # noqa: BLE001 - reported
        return f'(moto holds no such object: {type(e).__name__})'
    return ''


def load_dist():
    objs = []
    for f in sorted(glob.glob(os.path.join(DIST, '*.k8s.yaml'))):
        with open(f) as fh:
            objs += [o for o in yaml.safe_load_all(fh) if o]
    return objs


def main():
    objs = load_dist()
    stores = {}
    for o in objs:
        if o['kind'] in ('SecretStore', 'ClusterSecretStore'):
            key = (o['kind'], o['metadata'].get('namespace', ''), o['metadata']['name'])
            stores[key] = o
    role_arns = [o['metadata'].get('annotations', {}).get('eks.amazonaws.com/role-arn') for o in objs if o['kind'] == 'ServiceAccount']
    install = next((o for o in objs if o['kind'] == 'Application' and o['spec'].get('source', {}).get('chart') == 'external-secrets'), None)
    controller_sa = None
    if install:
        vals = install['spec']['source']['helm'].get('valuesObject', {}).get('serviceAccount', {})
        controller_sa = {'apiVersion': 'v1', 'kind': 'ServiceAccount',
                         'metadata': {'name': vals.get('name', 'external-secrets'), 'namespace': install['spec']['destination']['namespace'],
                                      'annotations': vals.get('annotations', {})}}
        role_arns.append(vals.get('annotations', {}).get('eks.amazonaws.com/role-arn'))
    accounts = sorted({a.split(':')[4] for a in role_arns if a})
    if len(accounts) != 1:
        raise SystemExit(f'expected one AWS account in the role ARNs, found {accounts}')
    account = accounts[0]

    def store_of(es):
        ref = es['spec']['secretStoreRef']
        kind = ref.get('kind', 'SecretStore')
        ns = es['metadata'].get('namespace', 'default') if kind == 'SecretStore' else ''
        return stores.get((kind, ns, ref['name']))

    externals = [o for o in objs if o['kind'] == 'ExternalSecret']
    aws_es = [(es, store_of(es)) for es in externals if store_of(es) and 'aws' in store_of(es)['spec']['provider']]
    for es in externals:
        if not any(es is e for e, _ in aws_es):
            s = store_of(es)
            print(f"SKIP ExternalSecret {es['metadata'].get('namespace')}/{es['metadata']['name']}: its store "
                  f"({'provider ' + ','.join(s['spec']['provider']) if s else 'not in dist'}) is not run here")

    # 1. moto
    port = free_port()
    moto_url = f'http://127.0.0.1:{port}'
    env = dict(os.environ, MOTO_ACCOUNT_ID=account)
    moto_log = open(os.path.join(STATE, 'moto.log'), 'w')
    moto = subprocess.Popen([sys.executable, '-m', 'moto.server', '-H', '127.0.0.1', '-p', str(port)], env=env,
                            stdout=moto_log, stderr=subprocess.STDOUT)
    eso = None
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(moto_url + '/moto-api/', timeout=1)
                break
            except Exception:
                time.sleep(0.2)
        import boto3
        os.environ.update(AWS_ACCESS_KEY_ID='testing', AWS_SECRET_ACCESS_KEY='testing', AWS_SESSION_TOKEN='testing')
        client = lambda svc, region: boto3.client(svc, region_name=region, endpoint_url=moto_url)
        print(f'moto {__import__("moto").__version__} server on {moto_url}, account {account}', flush=True)

        # CloudFormation
        regions = {DEFAULT_REGION}
        for tpl in sorted(glob.glob(os.path.join(DIST, '*.template.json'))):
            m = re.search(r'-([a-z]{2}(?:-gov)?-[a-z]+-\d)\.template\.json$', tpl)
            region = m.group(1) if m else DEFAULT_REGION
            regions.add(region)
            body = json.load(open(tpl))
            if 'BootstrapVersion' in body.get('Parameters', {}):
                client('ssm', region).put_parameter(Name=body['Parameters']['BootstrapVersion']['Default'], Value='30',
                                                    Type='String', Overwrite=True)
            name = re.sub(r'[^A-Za-z0-9-]', '-', os.path.basename(tpl)[:-len('.template.json')])
            cfn = client('cloudformation', region)
            try:
                cfn.create_stack(StackName=name, TemplateBody=json.dumps(body), Capabilities=['CAPABILITY_NAMED_IAM'])
                st = cfn.describe_stacks(StackName=name)['Stacks'][0]['StackStatus']
            except Exception as e:  # noqa: BLE001 - reported, the run continues
                fail(f'CloudFormation {os.path.basename(tpl)} in moto ({region}): {e}')
                continue
            res = {r['LogicalResourceId']: r for r in cfn.describe_stack_resources(StackName=name)['StackResources'] if 'LogicalResourceId' in r}
            print(f'stack {name} ({region}): {st}', flush=True)
            for lid, r in body['Resources'].items():
                got = res.get(lid)
                status = got['ResourceStatus'] if got else 'not created by moto'
                phys = got.get('PhysicalResourceId', '') if got else ''
                print(f"    {r['Type']:<36} {lid:<60} {status} {phys} {exists(client, region, r['Type'], phys, r)}", flush=True)
            if st != 'CREATE_COMPLETE':
                fail(f'CloudFormation {name} in moto: {st}')

        # 2. entries and their values
        want = {}  # (region, key) -> set of properties ('' = the whole value)
        for es, store in aws_es:
            region = store['spec']['provider']['aws']['region']
            for d in es['spec'].get('data', []):
                want.setdefault((region, d['remoteRef']['key']), set()).add(d['remoteRef'].get('property', ''))
            for d in es['spec'].get('dataFrom', []):
                if 'extract' in d:
                    want.setdefault((region, d['extract']['key']), set()).add('*')
        for (region, key), props in sorted(want.items()):
            sm = client('secretsmanager', region)
            try:
                cur = sm.get_secret_value(SecretId=key).get('SecretString')
                have = json.loads(cur) if cur and cur.startswith('{') else None
                ok = all(p in ('', '*') or (have and p in have) for p in props)
                origin = 'from its CloudFormation stack'
            except sm.exceptions.ResourceNotFoundException:
                sm.create_secret(Name=key, Tags=[{'Key': 'managed-by', 'Value': 'conformance'}])
                ok, origin = False, 'created for this run'
            if not ok:
                value = {p: base64.b64encode(os.urandom(12)).decode() for p in props if p not in ('', '*')} or {'value': base64.b64encode(os.urandom(12)).decode()}
                sm.put_secret_value(SecretId=key, SecretString=json.dumps(value))
                origin += ', test value set'
            print(f'entry {region}/{key}: {origin}', flush=True)

        # 3. Kubernetes objects
        for o in objs:
            if o['kind'] == 'Namespace':
                apply(o)
        nss = {o['metadata'].get('namespace') for o in objs if o['kind'] in ('ServiceAccount', 'SecretStore', 'ExternalSecret')}
        if controller_sa:
            nss.add(controller_sa['metadata']['namespace'])
        nss.add('conformance-eso')
        for ns in sorted(n for n in nss if n):
            kube('POST', '/api/v1/namespaces', {'apiVersion': 'v1', 'kind': 'Namespace', 'metadata': {'name': ns}})
        if controller_sa:
            apply(controller_sa)
        for o in objs:
            if o['kind'] == 'ServiceAccount':
                apply(o)
        for s in stores.values():
            if 'aws' in s['spec']['provider']:
                apply(s)
        for es, _ in aws_es:
            apply(es)
        # self-test: an entry that does not exist
        ref_es, ref_store = aws_es[0]
        bad = json.loads(json.dumps(ref_es))
        bad['metadata'] = {'name': 'conformance-missing-entry', 'namespace': ref_es['metadata']['namespace']}
        bad['spec']['target'] = {'name': 'conformance-missing-entry'}
        bad['spec'].pop('dataFrom', None)
        bad['spec']['data'] = [{'secretKey': 'x', 'remoteRef': {'key': 'conformance/does-not-exist'}}]
        apply(bad)

        # 4. ESO
        eso_log = open(os.path.join(STATE, 'external-secrets.log'), 'w')
        eso_env = {'PATH': os.environ['PATH'], 'HOME': os.environ.get('HOME', '/tmp'), 'KUBECONFIG': os.environ['KUBECONFIG'],
                   'AWS_STS_ENDPOINT': moto_url, 'AWS_SECRETSMANAGER_ENDPOINT': moto_url, 'AWS_SSM_ENDPOINT': moto_url,
                   'AWS_EC2_METADATA_DISABLED': 'true'}
        eso = subprocess.Popen([BIN, f'--metrics-addr=127.0.0.1:{free_port()}', f'--live-addr=127.0.0.1:{free_port()}',
                                '--enable-leader-election=false', '--loglevel=info'], env=eso_env, stdout=eso_log, stderr=subprocess.STDOUT)

        pending = {(es['metadata']['namespace'], es['metadata']['name']): (es, st) for es, st in aws_es}
        pending[(bad['metadata']['namespace'], bad['metadata']['name'])] = (bad, ref_store)
        deadline = time.time() + 120
        outcome = {}
        while pending and time.time() < deadline:
            if eso.poll() is not None:
                raise SystemExit('the External Secrets Operator exited; see external-secrets.log')
            for (ns, name), (es, st) in list(pending.items()):
                code, body = kube('GET', f'/apis/external-secrets.io/v1/namespaces/{ns}/externalsecrets/{name}')
                conds = {c['type']: c for c in body.get('status', {}).get('conditions', [])}
                ready = conds.get('Ready')
                if ready and (ready['status'] == 'True' or (ready['status'] == 'False' and name == 'conformance-missing-entry')):
                    outcome[(ns, name)] = ready
                    del pending[(ns, name)]
            time.sleep(1)
        for (ns, name), (es, st) in pending.items():
            code, body = kube('GET', f'/apis/external-secrets.io/v1/namespaces/{ns}/externalsecrets/{name}')
            conds = body.get('status', {}).get('conditions', [])
            fail(f'ExternalSecret {ns}/{name}: not Ready after 120s: {[(c.get("reason"), c.get("message")) for c in conds]}')

        for (ns, name), ready in sorted(outcome.items()):
            if name == 'conformance-missing-entry':
                print(f'OK self-test: an ExternalSecret reading a missing entry is not Ready ({ready.get("reason")})', flush=True)
                continue
            es, st = next((e, s) for e, s in aws_es if (e['metadata']['namespace'], e['metadata']['name']) == (ns, name))
            region = st['spec']['provider']['aws']['region']
            target = (es['spec'].get('target') or {}).get('name') or name
            code, sec = kube('GET', f'/api/v1/namespaces/{ns}/secrets/{target}')
            if code != 200:
                fail(f'ExternalSecret {ns}/{name}: Ready but no Secret {target}')
                continue
            data = {k: base64.b64decode(v) for k, v in (sec.get('data') or {}).items()}
            expected = {}
            sm = client('secretsmanager', region)
            for d in es['spec'].get('data', []):
                raw = sm.get_secret_value(SecretId=d['remoteRef']['key'])['SecretString']
                prop = d['remoteRef'].get('property')
                expected[d['secretKey']] = (str(json.loads(raw)[prop]) if prop else raw).encode()
            for d in es['spec'].get('dataFrom', []):
                if 'extract' in d:
                    raw = json.loads(sm.get_secret_value(SecretId=d['extract']['key'])['SecretString'])
                    expected.update({k: (v if isinstance(v, str) else json.dumps(v)).encode() for k, v in raw.items()})
            templated = bool((es['spec'].get('target') or {}).get('template'))
            if templated:
                ok = set(expected).issubset(data) or bool(data)
                note = 'templated target: keys present'
            else:
                ok = data == expected
                note = f'{len(expected)} values equal the entries in moto'
            if ok:
                print(f'OK ExternalSecret {ns}/{name}: Ready, Secret {target}: {note}', flush=True)
            else:
                fail(f'ExternalSecret {ns}/{name}: Secret {target} keys {sorted(data)} differ from the entries (keys {sorted(expected)}) or a value differs')

        # The token ESO exchanged: the API server's audit log shows each TokenRequest (ServiceAccount, audience).
        audit = os.path.join(STATE, 'audit.log')
        if os.path.exists(audit):
            reqs = set()
            for line in open(audit):
                ev = json.loads(line)
                ref = ev.get('objectRef', {})
                if ref.get('subresource') == 'token' and ev.get('stage') == 'ResponseComplete' and ev.get('responseStatus', {}).get('code') == 201:
                    reqs.add(f"{ref.get('namespace')}/{ref.get('name')}")
            print(f'ServiceAccount tokens requested through the TokenRequest API: {sorted(reqs)}', flush=True)
    finally:
        if eso:
            eso.send_signal(signal.SIGTERM)
            eso.wait(10)
        moto.send_signal(signal.SIGTERM)
        moto.wait(10)
    if failures:
        print(f'{len(failures)} ESO check(s) failed')
        sys.exit(1)
    print('eso: every ExternalSecret on an AWS store produced its entries\' values through STS web identity')


if __name__ == '__main__':
    main()
