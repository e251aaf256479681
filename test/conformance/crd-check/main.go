// Validates custom resources in YAML manifests against their CustomResourceDefinitions with the Kubernetes 1.28
// API server's own code (k8s.io/apiextensions-apiserver v0.28.15), in the order kube-apiserver applies it on create:
//
//   - each CRD an object uses is defaulted, converted to the internal apiextensions types and validated as the
//     server validates a CRD on create (pkg/apis/apiextensions/validation: structural schema, CEL rules compiled
//     and cost-estimated for 1.28); a rejected CRD is reported once (FAIL CRD) and fails the run;
//   - the object's group/kind must be a CRD in the folder and its version must exist and be served;
//   - decoding: metadata coercion, pruning of unknown fields (structural schema) and embedded ObjectMeta coercion,
//     each dropped field reported as an error (strict field validation, `kubectl apply --validate=strict`);
//   - defaulting (schema/defaulting), status dropped when the status subresource is on (PrepareForCreate);
//   - validation: type meta, ObjectMeta (name is a DNS subdomain, namespace only when namespaced), the OpenAPI
//     schema validator (apiserver/validation NewSchemaValidator), embedded resources, list-type set/map
//     invariants, and the CRD's x-kubernetes-validations rules with the server's CEL validator (schema/cel).
//
// Usage (from the repository root):
//
//	go -C test/conformance/crd-check run . <crd-folder> <manifest.yaml>...
//	go -C test/conformance/crd-check run . -all-crds <crd-folder>   # every CRD in the folder, informational
//
// Prints `OK <file> <kind> <ns/name>` per valid custom resource, `FAIL <file> <kind> <ns/name>` followed by one
// indented line per error otherwise, then a summary (objects checked per kind, skipped objects). Exits 1 when any
// object or CRD fails. Objects of built-in Kubernetes groups are skipped and counted; an object of any other
// group without a CRD in the folder fails (it could not be checked).
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"k8s.io/apiextensions-apiserver/pkg/apihelpers"
	apiextensionsinternal "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	crdvalidation "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	structurallisttype "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/listtype"
	schemaobjectmeta "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/objectmeta"
	structuralpruning "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apimachinery/pkg/api/meta"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/json"
	"k8s.io/apimachinery/pkg/util/validation/field"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	"sigs.k8s.io/yaml"
)

// builtinGroups are the API groups Kubernetes 1.28 serves itself; objects in them are skipped (counted).
var builtinGroups = map[string]bool{
	"": true, "admissionregistration.k8s.io": true, "apiextensions.k8s.io": true, "apiregistration.k8s.io": true,
	"apps": true, "authentication.k8s.io": true, "authorization.k8s.io": true, "autoscaling": true, "batch": true,
	"certificates.k8s.io": true, "coordination.k8s.io": true, "discovery.k8s.io": true, "events.k8s.io": true,
	"flowcontrol.apiserver.k8s.io": true, "internal.apiserver.k8s.io": true, "networking.k8s.io": true,
	"node.k8s.io": true, "policy": true, "rbac.authorization.k8s.io": true, "resource.k8s.io": true,
	"scheduling.k8s.io": true, "storage.k8s.io": true,
}

// servedVersion is what the API server builds once per CRD version.
type servedVersion struct {
	structural      *structuralschema.Structural
	schemaValidator apiservervalidation.SchemaValidator
	celValidator    *cel.Validator
	hasStatus       bool
}

type crdEntry struct {
	crd      *apiextensionsv1.CustomResourceDefinition
	file     string
	checked  bool
	problems []string
	versions map[string]*servedVersion
}

// crdFailed is set when a CRD that some object uses is itself rejected by the 1.28 API server.
var crdFailed bool

type catalog struct {
	byGroupKind map[schema.GroupKind]*crdEntry
	groups      map[string]bool
}

func main() {
	if len(os.Args) == 3 && os.Args[1] == "-all-crds" {
		os.Exit(checkAllCRDs(os.Args[2]))
	}
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: crd-check <crd-folder> <manifest.yaml>...\n       crd-check -all-crds <crd-folder>")
		os.Exit(2)
	}
	cat, err := loadCRDs(os.Args[1])
	if err != nil {
		fmt.Fprintf(os.Stderr, "loading CRDs: %v\n", err)
		os.Exit(2)
	}
	failed := false
	checked := map[string]int{}
	skipped := map[string]int{}
	for _, file := range os.Args[2:] {
		docs, err := readDocuments(file)
		if err != nil {
			fmt.Printf("FAIL %s: %v\n", file, err)
			failed = true
			continue
		}
		for i, doc := range docs {
			u, err := decode(doc)
			if err != nil {
				fmt.Printf("FAIL %s document %d: %v\n", file, i+1, err)
				failed = true
				continue
			}
			if u == nil {
				continue
			}
			gvk := u.GroupVersionKind()
			if !cat.groups[gvk.Group] {
				if builtinGroups[gvk.Group] {
					skipped[u.GetAPIVersion()+" "+u.GetKind()]++
					continue
				}
				// Neither built in nor defined by a CRD in the folder: it cannot be checked, so it fails.
				fmt.Printf("FAIL %s %s %s\n    group %q is neither built into Kubernetes 1.28 nor defined by a CRD in %s\n", file, gvk.Kind, u.GetName(), gvk.Group, os.Args[1])
				failed = true
				continue
			}
			id := u.GetName()
			if u.GetNamespace() != "" {
				id = u.GetNamespace() + "/" + id
			}
			checked[u.GetAPIVersion()+" "+u.GetKind()]++
			problems := cat.check(u)
			if len(problems) == 0 {
				fmt.Printf("OK %s %s %s\n", file, gvk.Kind, id)
				continue
			}
			failed = true
			fmt.Printf("FAIL %s %s %s\n", file, gvk.Kind, id)
			for _, p := range problems {
				fmt.Printf("    %s\n", p)
			}
		}
	}
	fmt.Println("--- custom resources checked, per apiVersion kind:")
	total := printCounts(checked)
	fmt.Printf("    total %d\n", total)
	fmt.Println("--- skipped (built-in Kubernetes kinds, not custom resources):")
	totalSkipped := printCounts(skipped)
	fmt.Printf("    total %d\n", totalSkipped)
	if total == 0 {
		fmt.Println("FAIL no custom resource found in the given files")
		failed = true
	}
	if failed || crdFailed {
		os.Exit(1)
	}
}

// checkAllCRDs validates every CRD in the folder as the 1.28 API server does on create (informational: the main
// mode only fails on CRDs that the checked objects use).
func checkAllCRDs(dir string) int {
	cat, err := loadCRDs(dir)
	if err != nil {
		fmt.Fprintf(os.Stderr, "loading CRDs: %v\n", err)
		return 2
	}
	entries := make([]*crdEntry, 0, len(cat.byGroupKind))
	for _, e := range cat.byGroupKind {
		entries = append(entries, e)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].crd.Name < entries[j].crd.Name })
	rc := 0
	for _, e := range entries {
		e.prepare()
		if len(e.problems) == 0 {
			fmt.Printf("OK CRD %s\n", e.crd.Name)
			continue
		}
		rc = 1
		fmt.Printf("FAIL CRD %s\n", e.crd.Name)
		for _, p := range e.problems {
			fmt.Printf("    %s\n", p)
		}
	}
	return rc
}

func printCounts(m map[string]int) int {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	total := 0
	for _, k := range keys {
		fmt.Printf("    %4d %s\n", m[k], k)
		total += m[k]
	}
	return total
}

// readDocuments splits a multi-document YAML file.
func readDocuments(file string) ([][]byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	reader := utilyaml.NewYAMLReader(bufio.NewReader(f))
	var docs [][]byte
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		if len(bytes.TrimSpace(doc)) > 0 {
			docs = append(docs, doc)
		}
	}
}

// decode converts one YAML document to an Unstructured the way the server's JSON decoder does (integers as int64);
// duplicate keys are an error, as in strict decoding. Empty documents give nil.
func decode(doc []byte) (*unstructured.Unstructured, error) {
	js, err := yaml.YAMLToJSONStrict(doc)
	if err != nil {
		return nil, err
	}
	if bytes.Equal(bytes.TrimSpace(js), []byte("null")) {
		return nil, nil
	}
	obj, _, err := unstructured.UnstructuredJSONScheme.Decode(js, nil, nil)
	if err != nil {
		return nil, err
	}
	u, ok := obj.(*unstructured.Unstructured)
	if !ok {
		return nil, fmt.Errorf("document is a %T, not a single object", obj)
	}
	return u, nil
}

// loadCRDs reads every CustomResourceDefinition document under dir (recursively). The same CRD may appear in
// several files (e.g. a bundle and its bases) only if the definitions are identical.
func loadCRDs(dir string) (*catalog, error) {
	cat := &catalog{byGroupKind: map[schema.GroupKind]*crdEntry{}, groups: map[string]bool{}}
	byName := map[string]*crdEntry{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !(strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
			return nil
		}
		docs, err := readDocuments(path)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		for _, doc := range docs {
			var head struct {
				APIVersion string `json:"apiVersion"`
				Kind       string `json:"kind"`
			}
			js, err := yaml.YAMLToJSON(doc)
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			if err := json.Unmarshal(js, &head); err != nil || head.Kind != "CustomResourceDefinition" {
				continue
			}
			if head.APIVersion != "apiextensions.k8s.io/v1" {
				return fmt.Errorf("%s: CRD apiVersion %q is not served by Kubernetes 1.28", path, head.APIVersion)
			}
			crd := &apiextensionsv1.CustomResourceDefinition{}
			if err := json.Unmarshal(js, crd); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			apiextensionsv1.SetObjectDefaults_CustomResourceDefinition(crd)
			if prev, ok := byName[crd.Name]; ok {
				if !reflect.DeepEqual(prev.crd.Spec, crd.Spec) {
					return fmt.Errorf("CRD %s is defined differently in %s and %s", crd.Name, prev.file, path)
				}
				continue
			}
			e := &crdEntry{crd: crd, file: path}
			byName[crd.Name] = e
			gk := schema.GroupKind{Group: crd.Spec.Group, Kind: crd.Spec.Names.Kind}
			cat.byGroupKind[gk] = e
			cat.groups[crd.Spec.Group] = true
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(byName) == 0 {
		return nil, fmt.Errorf("no CustomResourceDefinition under %s", dir)
	}
	return cat, nil
}

// prepare validates the CRD as the server does on create and builds, per version, what the server builds to serve
// it (customresource_handler.go getOrCreateServingInfoFor, strategy.go NewStrategy). Done once, on first use.
func (e *crdEntry) prepare() {
	if e.checked {
		return
	}
	e.checked = true
	e.versions = map[string]*servedVersion{}
	internal := &apiextensionsinternal.CustomResourceDefinition{}
	if err := apiextensionsv1.Convert_v1_CustomResourceDefinition_To_apiextensions_CustomResourceDefinition(e.crd, internal, nil); err != nil {
		e.problems = append(e.problems, fmt.Sprintf("CRD %s (%s): conversion to internal types: %v", e.crd.Name, e.file, err))
		return
	}
	for _, fe := range crdvalidation.ValidateCustomResourceDefinition(context.Background(), internal) {
		e.problems = append(e.problems, fmt.Sprintf("the CRD (%s) is rejected by the Kubernetes 1.28 API server: %s", e.file, truncate(fe.Error())))
	}
	for _, v := range e.crd.Spec.Versions {
		val, err := apihelpers.GetSchemaForVersion(e.crd, v.Name)
		if err != nil || val == nil || val.OpenAPIV3Schema == nil {
			e.problems = append(e.problems, fmt.Sprintf("CRD %s version %s has no schema (%v)", e.crd.Name, v.Name, err))
			continue
		}
		internalValidation := &apiextensionsinternal.CustomResourceValidation{}
		if err := apiextensionsv1.Convert_v1_CustomResourceValidation_To_apiextensions_CustomResourceValidation(val, internalValidation, nil); err != nil {
			e.problems = append(e.problems, fmt.Sprintf("CRD %s version %s: conversion: %v", e.crd.Name, v.Name, err))
			continue
		}
		s, err := structuralschema.NewStructural(internalValidation.OpenAPIV3Schema)
		if err != nil {
			e.problems = append(e.problems, fmt.Sprintf("CRD %s version %s: schema is not structural: %v", e.crd.Name, v.Name, err))
			continue
		}
		s = s.DeepCopy()
		if err := structuraldefaulting.PruneDefaults(s); err != nil {
			e.problems = append(e.problems, fmt.Sprintf("CRD %s version %s: pruning defaults: %v", e.crd.Name, v.Name, err))
			continue
		}
		validator, _, err := apiservervalidation.NewSchemaValidator(internalValidation.OpenAPIV3Schema)
		if err != nil {
			e.problems = append(e.problems, fmt.Sprintf("CRD %s version %s: schema validator: %v", e.crd.Name, v.Name, err))
			continue
		}
		subresources, _ := apihelpers.GetSubresourcesForVersion(e.crd, v.Name)
		e.versions[v.Name] = &servedVersion{
			structural:      s,
			schemaValidator: validator,
			celValidator:    cel.NewValidator(s, true, celconfig.PerCallLimit),
			hasStatus:       subresources != nil && subresources.Status != nil,
		}
	}
}

// check runs the create path of the API server on one object and returns every problem found.
func (cat *catalog) check(u *unstructured.Unstructured) []string {
	gvk := u.GroupVersionKind()
	e, ok := cat.byGroupKind[gvk.GroupKind()]
	if !ok {
		return []string{fmt.Sprintf("no CRD defines kind %s in group %s", gvk.Kind, gvk.Group)}
	}
	if !e.checked {
		e.prepare()
		// Reported once, and the object is still checked with the CRD's schema and rules below.
		if len(e.problems) > 0 {
			fmt.Printf("FAIL CRD %s\n", e.crd.Name)
			crdFailed = true
		}
		for _, p := range e.problems {
			fmt.Printf("    %s\n", p)
		}
	}
	var crdVersion *apiextensionsv1.CustomResourceDefinitionVersion
	for i := range e.crd.Spec.Versions {
		if e.crd.Spec.Versions[i].Name == gvk.Version {
			crdVersion = &e.crd.Spec.Versions[i]
		}
	}
	if crdVersion == nil {
		return []string{fmt.Sprintf("version %s of %s is unknown to CRD %s (%s)", gvk.Version, gvk.Kind, e.crd.Name, servedList(e.crd))}
	}
	if !crdVersion.Served {
		return []string{fmt.Sprintf("version %s of %s is not served by CRD %s (%s)", gvk.Version, gvk.Kind, e.crd.Name, servedList(e.crd))}
	}
	sv := e.versions[gvk.Version]
	if sv == nil {
		return []string{fmt.Sprintf("CRD %s version %s could not be prepared", e.crd.Name, gvk.Version)}
	}
	namespaced := e.crd.Spec.Scope == apiextensionsv1.NamespaceScoped
	var problems []string
	if len(e.problems) > 0 {
		problems = append(problems, fmt.Sprintf("its CRD %s cannot be installed on Kubernetes 1.28 (see FAIL CRD above); the object was still checked against it", e.crd.Name))
	}
	if namespaced && u.GetNamespace() == "" {
		// kubectl sends it to the current context's namespace; the manifest does not say which.
		problems = append(problems, "metadata.namespace: Required value: "+gvk.Kind+" is namespaced and the manifest does not set a namespace")
		u.SetNamespace("default")
	}

	// Decoding (unstructuredSchemaCoercer.apply, strict field validation): any dropped field is an error.
	var unknown []string
	kind, apiVersion := u.GetKind(), u.GetAPIVersion()
	objectMeta, foundMeta, metaUnknown, err := schemaobjectmeta.GetObjectMetaWithOptions(u.Object, schemaobjectmeta.ObjectMetaOptions{ReturnUnknownFieldPaths: true})
	if err != nil {
		return append(problems, "metadata: "+err.Error())
	}
	unknown = append(unknown, metaUnknown...)
	if !e.crd.Spec.PreserveUnknownFields {
		unknown = append(unknown, structuralpruning.PruneWithOptions(u.Object, sv.structural, true, structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true})...)
		structuraldefaulting.PruneNonNullableNullsWithoutDefaults(u.Object, sv.structural)
	}
	ferr, coerceUnknown := schemaobjectmeta.CoerceWithOptions(nil, u.Object, sv.structural, false, schemaobjectmeta.CoerceOptions{ReturnUnknownFieldPaths: true})
	if ferr != nil {
		problems = append(problems, ferr.Error())
	}
	unknown = append(unknown, coerceUnknown...)
	u.SetKind(kind)
	u.SetAPIVersion(apiVersion)
	if foundMeta {
		if err := schemaobjectmeta.SetObjectMeta(u.Object, objectMeta); err != nil {
			return append(problems, "metadata: "+err.Error())
		}
	}
	for _, path := range unknown {
		problems = append(problems, fmt.Sprintf("unknown field %q (the API server prunes it; strict field validation rejects it)", path))
	}

	// Defaulting (unstructuredDefaulter), then PrepareForCreate.
	structuraldefaulting.Default(u.Object, sv.structural)
	if sv.hasStatus {
		delete(u.Object, "status")
	}

	// Validation (customResourceValidator.Validate + customResourceStrategy.Validate).
	var errs field.ErrorList
	accessor, err := meta.Accessor(u)
	if err != nil {
		return append(problems, "metadata: "+err.Error())
	}
	errs = append(errs, apimachineryvalidation.ValidateObjectMetaAccessor(accessor, namespaced, apimachineryvalidation.NameIsDNSSubdomain, field.NewPath("metadata"))...)
	errs = append(errs, apiservervalidation.ValidateCustomResource(nil, u.UnstructuredContent(), sv.schemaValidator)...)
	errs = append(errs, schemaobjectmeta.Validate(nil, u.Object, sv.structural, false)...)
	errs = append(errs, structurallisttype.ValidateListSetsAndMaps(nil, sv.structural, u.Object)...)
	if blocking := hasBlockingErr(errs); blocking {
		errs = append(errs, field.Invalid(nil, nil, "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"))
	} else {
		celErrs, _ := sv.celValidator.Validate(context.Background(), nil, sv.structural, u.Object, nil, celconfig.RuntimeCELCostBudget)
		errs = append(errs, celErrs...)
	}
	for _, fe := range errs {
		problems = append(problems, truncate(fe.Error()))
	}
	return problems
}

// hasBlockingErr is the server's rule (registry/customresource/strategy.go): CEL rules are not evaluated when the
// object already has errors that make their inputs unreliable.
func hasBlockingErr(errs field.ErrorList) bool {
	for _, err := range errs {
		if err.Type == field.ErrorTypeRequired || err.Type == field.ErrorTypeTooLong || err.Type == field.ErrorTypeTooMany || err.Type == field.ErrorTypeTypeInvalid {
			return true
		}
	}
	return false
}

func servedList(crd *apiextensionsv1.CustomResourceDefinition) string {
	var served []string
	for _, v := range crd.Spec.Versions {
		if v.Served {
			served = append(served, v.Name)
		}
	}
	return "served: " + strings.Join(served, ", ")
}

// truncate keeps error lines readable (schema errors can echo whole sub-objects).
func truncate(s string) string {
	const max = 600
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}
