# The versions the control-plane checks run (sourced by scripts/ci-control-plane.sh).
# Kubernetes: the oldest version every pinned install accepts, and the newest k8s.io/kubernetes release the Go
# module proxy serves. docs/conformance.md explains the choice.
K8S_OLDEST=1.31.14
K8S_NEWEST=1.37.2
ETCD_VERSION=3.5.9
# The Sealed Secrets controller the pinned chart ships (Charts.SEALED_SECRETS.appVersion).
SEALED_SECRETS_VERSION=0.36.6
# HashiCorp Vault server, for the dev-mode run of vault-config.sh.
VAULT_VERSION=1.21.4
# Vault 1.21.4's go.mod requires github.com/hashicorp/vault/sdk v0.21.0, but its own sdk folder is the older API
# (framework.Backend.ActivationFunc takes two arguments); the published v0.20.0 matches it.
VAULT_BUILD_OVERRIDES=github.com/hashicorp/vault/sdk=v0.20.0
# External Secrets Operator: the newest release the Go module proxy can build. 2.x has no /v2 module path; v1.3.2 (the
# only 1.x the proxy serves) replaces 56 of its own submodules (apis, providers/v1/*, runtime) with local folders
# that are published nowhere; v0.20.4 is the newest without local replaces. It serves external-secrets.io/v1.
ESO_VERSION=0.20.4
