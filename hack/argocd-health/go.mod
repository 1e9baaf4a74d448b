// Runs health_test.yaml files the way Argo CD's resource_customizations tests do, with the Lua VM
// Argo CD embeds (gopher-lua, at the version Argo CD's go.mod pins).
module pgmigration.io/hack/argocd-health

go 1.26.0

require (
	github.com/yuin/gopher-lua v1.1.1
	gopkg.in/yaml.v3 v3.0.1
)
