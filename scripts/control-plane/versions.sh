# The versions the control-plane checks run (sourced by scripts/ci-control-plane.sh).
# Kubernetes: the oldest version every pinned install accepts, and the newest k8s.io/kubernetes release the Go
# module proxy serves. docs/conformance.md explains the choice.
K8S_OLDEST=1.31.14
K8S_NEWEST=1.37.2
ETCD_VERSION=3.5.9
# The Sealed Secrets controller the pinned chart ships (Charts.SEALED_SECRETS.appVersion).
SEALED_SECRETS_VERSION=0.36.6
# HashiCorp Vault server, for the dev-mode run of the generated vault-config.sh scripts. 1.19.0 is the newest release
# that compiles from the Go module proxy: each release replaces its own api and sdk modules with folders that are not
# in the module zip, and for 1.20.x and 1.21.x no published sdk matches the folder the release was built from
# (docs/conformance.md, "Limits", lists the errors). 1.19.0 builds with the versions its go.mod requires; they are
# pinned here so the build cannot drift (build.sh's third argument: module=version,...).
VAULT_VERSION=1.19.0
VAULT_BUILD_OVERRIDES=github.com/hashicorp/vault/api=v1.16.0,github.com/hashicorp/vault/api/auth/approle=v0.1.0,github.com/hashicorp/vault/api/auth/kubernetes=v0.6.0,github.com/hashicorp/vault/api/auth/userpass=v0.1.0,github.com/hashicorp/vault/sdk=v0.15.2
# External Secrets Operator: the newest release the Go module proxy can build. 2.x has no /v2 module path; v1.3.2 (the
# only 1.x the proxy serves) replaces 56 of its own submodules (apis, providers/v1/*, runtime) with local folders
# that are published nowhere; v0.20.4 is the newest without local replaces. It serves external-secrets.io/v1.
ESO_VERSION=0.20.4
