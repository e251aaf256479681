// Validates EncryptionConfiguration files with the Kubernetes 1.28 API server's own decoder (strict) and
// validation (k8s.io/apiserver v0.28.4, pkg/apis/config/validation), as kube-apiserver does when it loads
// --encryption-provider-config. Usage (from the repository root):
//
//	go -C test/encryption/apiserver-check run . "$PWD"/dist/encryption/*.yaml
//
// Prints "<file>: OK" per valid file; exits 1 when any file fails. Never prints file contents (they hold keys).
package main

import (
	"fmt"
	"os"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	apiserver "k8s.io/apiserver/pkg/apis/config"
	apiserverv1 "k8s.io/apiserver/pkg/apis/config/v1"
	"k8s.io/apiserver/pkg/apis/config/validation"
)

func main() {
	scheme := runtime.NewScheme()
	if err := apiserver.AddToScheme(scheme); err != nil {
		panic(err)
	}
	if err := apiserverv1.AddToScheme(scheme); err != nil {
		panic(err)
	}
	codecs := serializer.NewCodecFactory(scheme, serializer.EnableStrict)
	failed := false
	for _, f := range os.Args[1:] {
		data, err := os.ReadFile(f)
		if err != nil {
			panic(err)
		}
		cfg := &apiserver.EncryptionConfiguration{}
		if _, _, err := codecs.UniversalDecoder().Decode(data, nil, cfg); err != nil {
			fmt.Printf("%s: decode error: %v\n", f, err)
			failed = true
			continue
		}
		if errs := validation.ValidateEncryptionConfiguration(cfg, false); len(errs) > 0 {
			fmt.Printf("%s: invalid: %v\n", f, errs.ToAggregate())
			failed = true
			continue
		}
		fmt.Printf("%s: OK\n", f)
	}
	if failed {
		os.Exit(1)
	}
}
