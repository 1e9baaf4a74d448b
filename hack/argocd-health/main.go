// Command argocd-health runs the health checks under a resource_customizations tree the way Argo CD
// runs them: each health.lua against every object its health_test.yaml lists, in the gopher-lua VM
// Argo CD embeds, and compares the returned status and message with the expected ones.
//
// A script reaches Argo CD in two ways, and each case runs both:
//   - through argocd-cm (resource.customizations.health.<group>_<kind>), where Argo CD runs it with
//     only the package, base and table libraries (plus a reduced os) unless
//     resource.customizations.useOpenLibs.<group>_<kind> is true: the "restricted" run opens exactly
//     package, base and table, so a script that passes it needs nothing else;
//   - built into Argo CD (contributed upstream), where every standard library is open.
//
// Usage: argocd-health [-print FILE] [-cm FILE] [DIR]. DIR defaults to
// ../../argocd/resource_customizations. With -print, it evaluates the health.lua of DIR (a
// <group>/<Kind> directory) against FILE and prints the result, for writing a new case. -cm names
// an argocd-cm snippet (default ../../argocd/argocd-cm.yaml) whose health scripts must be the
// health.lua files, word for word.
package main

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"
	"gopkg.in/yaml.v3"
)

type healthStatus struct {
	Status  string `yaml:"status"`
	Message string `yaml:"message"`
}

type testCase struct {
	HealthStatus healthStatus `yaml:"healthStatus"`
	InputPath    string       `yaml:"inputPath"`
}

type testFile struct {
	Tests []testCase `yaml:"tests"`
}

// The status codes Argo CD accepts from a script (gitops-engine's health package); any other makes
// Argo CD report Unknown with "Lua returned an invalid health status".
var validStatus = map[string]bool{
	"Unknown": true, "Progressing": true, "Suspended": true, "Healthy": true, "Degraded": true, "Missing": true,
}

func main() {
	printFile := flag.String("print", "", "evaluate DIR/health.lua against this object and print the result")
	configMap := flag.String("cm", "../../argocd/argocd-cm.yaml", "argocd-cm snippet that must carry every health.lua")
	flag.Parse()
	root := "../../argocd/resource_customizations"
	if flag.NArg() > 0 {
		root = flag.Arg(0)
	}
	if *printFile != "" {
		got, err := evaluate(filepath.Join(root, "health.lua"), *printFile, false)
		if err != nil {
			fail(err)
		}
		out, _ := yaml.Marshal(testCase{HealthStatus: got, InputPath: *printFile})
		fmt.Print(string(out))
		return
	}
	cases, failures := 0, 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "health_test.yaml" {
			return err
		}
		n, f, err := runTests(filepath.Dir(path))
		cases, failures = cases+n, failures+f
		return err
	})
	if err != nil {
		fail(err)
	}
	if cases == 0 {
		fail(fmt.Errorf("no health_test.yaml case under %s", root))
	}
	if err := sameScripts(*configMap, root); err != nil {
		failures++
		fmt.Println("FAIL", err)
	}
	fmt.Printf("%d case(s), each with restricted and open libraries: %d failure(s)\n", cases, failures)
	if failures > 0 {
		os.Exit(1)
	}
}

func runTests(dir string) (cases, failures int, err error) {
	raw, err := os.ReadFile(filepath.Join(dir, "health_test.yaml"))
	if err != nil {
		return 0, 0, err
	}
	var tests testFile
	if err := yaml.Unmarshal(raw, &tests); err != nil {
		return 0, 0, fmt.Errorf("%s/health_test.yaml: %w", dir, err)
	}
	for _, tc := range tests.Tests {
		cases++
		for _, open := range []bool{false, true} {
			got, err := evaluate(filepath.Join(dir, "health.lua"), filepath.Join(dir, tc.InputPath), open)
			switch {
			case err != nil:
				failures++
				fmt.Printf("FAIL %s (%s): %v\n", tc.InputPath, libs(open), err)
			case got != tc.HealthStatus:
				failures++
				fmt.Printf("FAIL %s (%s):\n  want %s %q\n  got  %s %q\n", tc.InputPath, libs(open),
					tc.HealthStatus.Status, tc.HealthStatus.Message, got.Status, got.Message)
			default:
				fmt.Printf("ok   %s (%s): %s\n", tc.InputPath, libs(open), got.Status)
			}
		}
	}
	return cases, failures, nil
}

// sameScripts checks that each health script of the argocd-cm snippet is the health.lua of its
// <group>/<Kind> directory under root (the key is resource.customizations.health.<group>_<Kind>).
func sameScripts(configMap, root string) error {
	raw, err := os.ReadFile(configMap)
	if err != nil {
		return err
	}
	var cm struct {
		Data map[string]string `yaml:"data"`
	}
	if err := yaml.Unmarshal(raw, &cm); err != nil {
		return fmt.Errorf("%s: %w", configMap, err)
	}
	const prefix = "resource.customizations.health."
	found := 0
	for key, script := range cm.Data {
		if !strings.HasPrefix(key, prefix) {
			continue
		}
		found++
		group, kind, ok := strings.Cut(strings.TrimPrefix(key, prefix), "_")
		if !ok {
			return fmt.Errorf("%s: key %s is not <group>_<Kind>", configMap, key)
		}
		want, err := os.ReadFile(filepath.Join(root, group, kind, "health.lua"))
		if err != nil {
			return err
		}
		if script != string(want) {
			return fmt.Errorf("%s: %s differs from %s/%s/health.lua", configMap, key, group, kind)
		}
	}
	if found == 0 {
		return fmt.Errorf("%s holds no health script", configMap)
	}
	return nil
}

func libs(open bool) string {
	if open {
		return "open libraries"
	}
	return "restricted"
}

// evaluate runs script with the global obj set to the object in objectFile, as Argo CD's
// util/lua VM does: a fresh state, a one-second limit, the returned table read as a HealthStatus.
func evaluate(scriptFile, objectFile string, openLibs bool) (healthStatus, error) {
	script, err := os.ReadFile(scriptFile)
	if err != nil {
		return healthStatus{}, err
	}
	raw, err := os.ReadFile(objectFile)
	if err != nil {
		return healthStatus{}, err
	}
	var obj map[string]interface{}
	if err := yaml.Unmarshal(raw, &obj); err != nil {
		return healthStatus{}, fmt.Errorf("%s: %w", objectFile, err)
	}
	l := lua.NewState(lua.Options{SkipOpenLibs: !openLibs})
	defer l.Close()
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{{lua.LoadLibName, lua.OpenPackage}, {lua.BaseLibName, lua.OpenBase}, {lua.TabLibName, lua.OpenTable}} {
		if err := l.CallByParam(lua.P{Fn: l.NewFunction(lib.open), NRet: 0, Protect: true}, lua.LString(lib.name)); err != nil {
			return healthStatus{}, err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	l.SetContext(ctx)
	l.SetGlobal("obj", decodeValue(l, obj))
	if err := l.DoString(string(script)); err != nil {
		return healthStatus{}, err
	}
	table, ok := l.Get(-1).(*lua.LTable)
	if !ok {
		return healthStatus{}, fmt.Errorf("expect table output from Lua script, not %s", l.Get(-1).Type())
	}
	got := healthStatus{Status: field(table, "status"), Message: field(table, "message")}
	if !validStatus[got.Status] {
		return healthStatus{}, fmt.Errorf("Lua returned an invalid health status %q", got.Status)
	}
	return got, nil
}

func field(t *lua.LTable, name string) string {
	if v, ok := t.RawGetString(name).(lua.LString); ok {
		return string(v)
	}
	return ""
}

// decodeValue turns a decoded object into Lua values the way Argo CD's does for an unstructured
// object (integers arrive as numbers, maps as tables, lists as arrays).
func decodeValue(l *lua.LState, value interface{}) lua.LValue {
	switch v := value.(type) {
	case bool:
		return lua.LBool(v)
	case int:
		return lua.LNumber(v)
	case int64:
		return lua.LNumber(v)
	case float64:
		return lua.LNumber(v)
	case string:
		return lua.LString(v)
	case time.Time: // YAML timestamps; Kubernetes objects carry them as strings
		return lua.LString(v.UTC().Format(time.RFC3339))
	case []interface{}:
		arr := l.CreateTable(len(v), 0)
		for _, item := range v {
			arr.Append(decodeValue(l, item))
		}
		return arr
	case map[string]interface{}:
		tbl := l.CreateTable(0, len(v))
		for key, item := range v {
			tbl.RawSetH(lua.LString(key), decodeValue(l, item))
		}
		return tbl
	}
	return lua.LNil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "error:", err)
	os.Exit(2)
}
