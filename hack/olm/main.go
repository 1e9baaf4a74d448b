// Command olm-validate validates an OLM bundle directory (manifests/ and metadata/) with the
// operator framework's validators: the default bundle validators (CSV, CRDs, bundle) plus the
// operator framework's good practices. It prints every error and warning and exits 1 on an error.
//
// Usage: olm-validate BUNDLE_DIR
package main

import (
	"fmt"
	"os"

	"github.com/operator-framework/api/pkg/manifests"
	"github.com/operator-framework/api/pkg/validation"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: olm-validate BUNDLE_DIR")
		os.Exit(2)
	}
	bundle, err := manifests.GetBundleFromDir(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "error: reading the bundle:", err)
		os.Exit(1)
	}
	validators := validation.DefaultBundleValidators.WithValidators(validation.GoodPracticesValidator)
	errors, warnings := 0, 0
	for _, result := range validators.Validate(bundle.ObjectsToValidate()...) {
		for _, e := range result.Errors {
			errors++
			fmt.Printf("ERROR %s: %s\n", result.Name, e.Error())
		}
		for _, w := range result.Warnings {
			warnings++
			fmt.Printf("WARN  %s: %s\n", result.Name, w.Error())
		}
	}
	fmt.Printf("bundle %s (CSV %s, %d CRD(s)): %d error(s), %d warning(s)\n",
		os.Args[1], bundle.CSV.GetName(), len(bundle.V1CRDs), errors, warnings)
	if errors > 0 {
		os.Exit(1)
	}
}
