// Command tracegendump prints one release's (or one generated package's) Go execution trace
// tables as tracegen's canonical JSON. It is never built in place: Scripts/extract-real-tables
// overlays it into a Go release's GOROOT as internal/trace/tracegendump, and
// Scripts/dump-go-tables builds it in a temporary module next to a generated tracev2 package.
//
// This file is the layout-independent part. Exactly one adapter file supplies loadTables()
// (how to read the compiled tables of one layout) and loadVersions() (which event IDs each
// trace version accepts). Names of constants (statuses, experiments) cannot be seen through
// reflection, so they are read from the table package's source with go/types, given by -src.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/constant"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// rawSpec is one entry of a release's spec table, copied out of whatever type the layout uses.
type rawSpec struct {
	Name       string
	Args       []string
	StringIDs  []int
	StackIDs   []int
	StartEv    int
	Timed      bool
	HasData    bool
	IsStack    bool
	Experiment int
}

// tables is what an adapter reads from the compiled table package.
type tables struct {
	Specs            []rawSpec
	ArgTypes         []string
	ExperimentNames  []string         // from Experiments() where the layout has it (index = ID), else nil
	Constants        map[string]int64 // compiled values of the constants the layout defines
	GoStatusString   func(v uint64) string
	ProcStatusString func(v uint64) string
}

// The canonical JSON form. Field order here is the key order on output.
type eventJSON struct {
	ID         int      `json:"id"`
	Name       string   `json:"name"`
	Args       []string `json:"args"`
	StringIDs  []int    `json:"stringIDs"`
	StackIDs   []int    `json:"stackIDs"`
	StartEvent string   `json:"startEvent"`
	Timed      bool     `json:"timed"`
	HasData    bool     `json:"hasData"`
	IsStack    bool     `json:"isStack"`
	Experiment string   `json:"experiment"`
}

type experimentJSON struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type statusJSON struct {
	Name    string `json:"name"`
	Value   int64  `json:"value"`
	Display string `json:"display"`
}

type dumpJSON struct {
	Events       []eventJSON      `json:"events"`
	Experiments  []experimentJSON `json:"experiments"`
	GoStatuses   []statusJSON     `json:"goStatuses"`
	ProcStatuses []statusJSON     `json:"procStatuses"`
	Constants    map[string]int64 `json:"constants"`
	ArgTypes     []string         `json:"argTypes"`
	Versions     map[string][]int `json:"versions"`
}

// constantNames are the package-level constants the dump reports, each only where it is defined.
var constantNames = []string{
	"MaxBatchSize", "MaxFramesPerStack", "MaxEventTrailerDataSize", "MaxStringSize",
	"MaxTimedEventArgs", "NumEvents", "MaxEvent", "MaxExperimentalEvent",
	"NumExperimentalEvents", "NumExperiments",
}

type namedConst struct {
	name  string
	value int64
}

// sourceInfo is what go/types sees in the table package's source.
type sourceInfo struct {
	byType    map[string][]namedConst // named type's name -> its package-level constants
	constants map[string]int64        // all package-level integer constants by name
}

func readSource(dir string) (*sourceInfo, error) {
	fset := token.NewFileSet()
	matches, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	var files []*ast.File
	for _, path := range matches {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no Go files in %s", dir)
	}
	conf := types.Config{Importer: importer.ForCompiler(fset, "source", nil)}
	pkg, err := conf.Check(files[0].Name.Name, fset, files, nil)
	if err != nil {
		return nil, fmt.Errorf("type-checking %s: %v", dir, err)
	}
	info := &sourceInfo{byType: map[string][]namedConst{}, constants: map[string]int64{}}
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		c, ok := scope.Lookup(name).(*types.Const)
		if !ok || name == "_" {
			continue
		}
		v, exact := constant.Int64Val(constant.ToInt(c.Val()))
		if !exact {
			continue
		}
		info.constants[name] = v
		if named, ok := c.Type().(*types.Named); ok {
			tn := named.Obj().Name()
			info.byType[tn] = append(info.byType[tn], namedConst{name, v})
		}
	}
	for _, list := range info.byType {
		sort.Slice(list, func(i, j int) bool {
			if list[i].value != list[j].value {
				return list[i].value < list[j].value
			}
			return list[i].name < list[j].name
		})
	}
	return info, nil
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "tracegendump: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	src := flag.String("src", "", "directory of the table package's source (for constant names)")
	flag.Parse()
	if *src == "" {
		fail("-src is required")
	}
	info, err := readSource(*src)
	if err != nil {
		fail("%v", err)
	}
	t := loadTables()

	out := dumpJSON{
		Events:       []eventJSON{},
		Experiments:  []experimentJSON{},
		GoStatuses:   []statusJSON{},
		ProcStatuses: []statusJSON{},
		Constants:    map[string]int64{},
		ArgTypes:     append([]string{}, t.ArgTypes...),
		Versions:     map[string][]int{},
	}

	// Experiments: every constant of the named type Experiment except the "none" value 0 and
	// the Num… counter.
	expName := map[int64]string{}
	for _, c := range info.byType["Experiment"] {
		if c.value == 0 || strings.HasPrefix(c.name, "Num") {
			continue
		}
		if prev, dup := expName[c.value]; dup {
			fail("experiments %s and %s share ID %d", prev, c.name, c.value)
		}
		expName[c.value] = c.name
		out.Experiments = append(out.Experiments, experimentJSON{c.value, c.name})
	}
	if t.ExperimentNames != nil {
		// Cross-check the compiled Experiments() with the source.
		if len(t.ExperimentNames) != len(out.Experiments)+1 {
			fail("Experiments() has %d entries, source declares %d experiments (+ none)", len(t.ExperimentNames), len(out.Experiments))
		}
		for _, e := range out.Experiments {
			if int(e.ID) >= len(t.ExperimentNames) || t.ExperimentNames[e.ID] != e.Name {
				fail("Experiments()[%d] does not name %s", e.ID, e.Name)
			}
		}
	}

	for id, s := range t.Specs {
		if s.Name == "" {
			continue
		}
		ev := eventJSON{
			ID: id, Name: s.Name,
			Args:      append([]string{}, s.Args...),
			StringIDs: append([]int{}, s.StringIDs...),
			StackIDs:  append([]int{}, s.StackIDs...),
			Timed:     s.Timed, HasData: s.HasData, IsStack: s.IsStack,
		}
		if s.StartEv != 0 {
			if s.StartEv >= len(t.Specs) || t.Specs[s.StartEv].Name == "" {
				fail("event %s: start event %d is not defined", s.Name, s.StartEv)
			}
			ev.StartEvent = t.Specs[s.StartEv].Name
		}
		if s.Experiment != 0 {
			name, ok := expName[int64(s.Experiment)]
			if !ok {
				fail("event %s: experiment %d is not declared", s.Name, s.Experiment)
			}
			ev.Experiment = name
		}
		out.Events = append(out.Events, ev)
	}

	statuses := func(typeName string, str func(uint64) string) []statusJSON {
		list := []statusJSON{}
		for _, c := range info.byType[typeName] {
			list = append(list, statusJSON{c.name, c.value, str(uint64(c.value))})
		}
		if len(list) == 0 {
			fail("no constants of type %s in %s", typeName, *src)
		}
		return list
	}
	out.GoStatuses = statuses("GoStatus", t.GoStatusString)
	out.ProcStatuses = statuses("ProcStatus", t.ProcStatusString)

	for _, name := range constantNames {
		v, inSource := info.constants[name]
		cv, compiled := t.Constants[name]
		if compiled && !inSource {
			fail("constant %s: compiled but not found in source", name)
		}
		if compiled && cv != v {
			fail("constant %s: compiled value %d, source value %d", name, cv, v)
		}
		if inSource {
			out.Constants[name] = v
		}
	}

	for v, ids := range loadVersions() {
		sorted := append([]int{}, ids...)
		sort.Ints(sorted)
		out.Versions[fmt.Sprintf("go1.%d", v)] = sorted
	}

	data, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		fail("%v", err)
	}
	os.Stdout.Write(append(data, '\n'))
}

// definedIDs returns the IDs of the named entries of a spec table slice.
func definedIDs(n int, name func(i int) string) []int {
	ids := []int{}
	for i := 0; i < n; i++ {
		if name(i) != "" {
			ids = append(ids, i)
		}
	}
	return ids
}
