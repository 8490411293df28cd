// Command pulumi-resource-kubernetes serves the Kubernetes provider plugin for the e2e toolchain.
//
// Upstream's main embeds schema files that its release build generates; build.sh writes those two
// files next to this one (from the module's committed schema.json and terraform-mapping.json) and
// builds it in a wrapper module that requires the provider module.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var schema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, schema, terraformMapping)
}
