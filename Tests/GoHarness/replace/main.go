// Command replace puts generated Go files into a package in place of the hand-written
// declarations of the same names, the way a generated file would replace them upstream.
//
// Usage: go run ./replace PKGDIR FILE...
//
// Every top-level function, method, variable, constant and type that FILE declares is cut out
// of the package's other files, with its doc comment. Then the `advance…` methods of `ordering`
// that nothing refers to any more (the hand-written handlers the generated ones replace) are cut
// too, until none is left. Each FILE is then copied into PKGDIR. The names cut are printed, one
// per line and sorted, so a test can check exactly what went.
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
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: replace PKGDIR FILE...")
		os.Exit(2)
	}
	removed, err := replace(os.Args[1], os.Args[2:])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	sort.Strings(removed)
	for _, name := range removed {
		fmt.Println(name)
	}
}

func replace(dir string, generated []string) ([]string, error) {
	wanted := map[string]bool{}
	for _, path := range generated {
		file, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, name := range declared(file) {
			wanted[name] = true
		}
	}

	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	var removed []string
	for {
		cut, err := cutDeclarations(paths, wanted)
		if err != nil {
			return nil, err
		}
		removed = append(removed, cut...)
		unused, err := unusedHandlers(paths, generated)
		if err != nil {
			return nil, err
		}
		if len(unused) == 0 {
			break
		}
		wanted = unused
	}
	for _, path := range generated {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(path)), data, 0o644); err != nil {
			return nil, err
		}
	}
	return removed, nil
}

// declared lists a file's top-level names: `Recv.Method` for methods, the name otherwise.
func declared(file *ast.File) []string {
	var names []string
	for _, decl := range file.Decls {
		switch d := decl.(type) {
		case *ast.FuncDecl:
			names = append(names, funcName(d))
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				switch s := spec.(type) {
				case *ast.ValueSpec:
					for _, n := range s.Names {
						names = append(names, n.Name)
					}
				case *ast.TypeSpec:
					names = append(names, s.Name.Name)
				}
			}
		}
	}
	return names
}

func funcName(d *ast.FuncDecl) string {
	if d.Recv == nil || len(d.Recv.List) == 0 {
		return d.Name.Name
	}
	t := d.Recv.List[0].Type
	if star, ok := t.(*ast.StarExpr); ok {
		t = star.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name + "." + d.Name.Name
	}
	return d.Name.Name
}

// cutDeclarations removes whole declarations whose every name is wanted from the package's
// non-test files. A declaration that mixes wanted and other names is an error: cutting it
// would need an edit, not a cut.
func cutDeclarations(paths []string, wanted map[string]bool) ([]string, error) {
	var removed []string
	for _, path := range paths {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, path, src, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		type span struct{ from, to int }
		var cuts []span
		for _, decl := range file.Decls {
			names := declared(&ast.File{Decls: []ast.Decl{decl}})
			hits := 0
			for _, n := range names {
				if wanted[n] {
					hits++
				}
			}
			if hits == 0 {
				continue
			}
			if hits != len(names) {
				return nil, fmt.Errorf("%s: a declaration mixes replaced and kept names: %v", path, names)
			}
			from := decl.Pos()
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Doc != nil {
					from = d.Doc.Pos()
				}
			case *ast.GenDecl:
				if d.Doc != nil {
					from = d.Doc.Pos()
				}
			}
			cuts = append(cuts, span{fset.Position(from).Offset, fset.Position(decl.End()).Offset})
			removed = append(removed, names...)
		}
		if len(cuts) == 0 {
			continue
		}
		var out []byte
		last := 0
		for _, c := range cuts {
			out = append(out, src[last:c.from]...)
			last = c.to
			// Drop the line break that ended the declaration.
			if last < len(src) && src[last] == '\n' {
				last++
			}
		}
		out = append(out, src[last:]...)
		if err := os.WriteFile(path, out, 0o644); err != nil {
			return nil, err
		}
	}
	return removed, nil
}

// unusedHandlers finds the `advance…` methods of ordering that no file of the package (tests
// and the generated files included) refers to.
func unusedHandlers(paths, generated []string) (map[string]bool, error) {
	methods := map[string]bool{}
	used := map[string]bool{}
	for _, path := range append(append([]string{}, paths...), generated...) {
		file, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, decl := range file.Decls {
			if f, ok := decl.(*ast.FuncDecl); ok && strings.HasPrefix(funcName(f), "ordering.advance") {
				methods[funcName(f)] = true
			}
		}
		ast.Inspect(file, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				used["ordering."+sel.Sel.Name] = true
			}
			return true
		})
	}
	unused := map[string]bool{}
	for name := range methods {
		if name != "ordering.Advance" && !used[name] {
			unused[name] = true
		}
	}
	return unused, nil
}
