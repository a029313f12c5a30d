// Command decls prints the top-level declarations of Go packages, one per line and sorted, so a
// test can check that two generated packages declare exactly the same names. It parses source
// only; comments and literal values do not show.
//
// Usage: go run ./decls DIR...
package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	status := 0
	for _, dir := range os.Args[1:] {
		lines, err := declarations(dir)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			status = 1
			continue
		}
		fmt.Printf("== %s\n", filepath.Base(dir))
		for _, line := range lines {
			fmt.Println(line)
		}
	}
	os.Exit(status)
}

// declarations lists every top-level name of the package in dir with its kind: package, func,
// method, type, const, var and import. Each init function is listed, so an extra one shows.
func declarations(dir string) ([]string, error) {
	fset := token.NewFileSet()
	matches, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, path := range matches {
		file, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		lines = append(lines, "package "+file.Name.Name)
		for _, decl := range file.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Recv != nil && len(d.Recv.List) == 1 {
					lines = append(lines, "method "+receiver(d.Recv.List[0].Type)+"."+d.Name.Name)
				} else {
					lines = append(lines, "func "+d.Name.Name)
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						lines = append(lines, "type "+s.Name.Name)
					case *ast.ValueSpec:
						for _, name := range s.Names {
							lines = append(lines, strings.ToLower(d.Tok.String())+" "+name.Name)
						}
					case *ast.ImportSpec:
						lines = append(lines, "import "+s.Path.Value)
					}
				}
			}
		}
	}
	sort.Strings(lines)
	return lines, nil
}

func receiver(expr ast.Expr) string {
	switch t := expr.(type) {
	case *ast.StarExpr:
		return "*" + receiver(t.X)
	case *ast.Ident:
		return t.Name
	}
	return "?"
}
