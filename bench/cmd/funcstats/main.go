// Command funcstats lists the longest functions of the module's non-test
// Go files and the lines of each package, to check the house limits
// (functions of at most 80 lines, packages of at most 3,000 lines).
//
//	go run ./bench/cmd/funcstats [-top 10] [dir]
package main

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

type fn struct {
	name  string
	pos   string
	lines int
}

func main() {
	top := flag.Int("top", 10, "how many functions to list")
	flag.Parse()
	root := "."
	if flag.NArg() > 0 {
		root = flag.Arg(0)
	}
	fset := token.NewFileSet()
	var fns []fn
	pkgLines := map[string]int{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != root || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		pkgLines[filepath.Dir(path)] += fset.Position(f.End()).Line
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			name := fd.Name.Name
			if fd.Recv != nil && len(fd.Recv.List) > 0 {
				name = "(" + types(fd.Recv.List[0].Type) + ")." + name
			}
			start, end := fset.Position(fd.Pos()), fset.Position(fd.End())
			fns = append(fns, fn{name, fmt.Sprintf("%s:%d", path, start.Line), end.Line - start.Line + 1})
		}
		return nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	sort.Slice(fns, func(i, j int) bool { return fns[i].lines > fns[j].lines })
	fmt.Println("longest functions (lines):")
	for i := 0; i < *top && i < len(fns); i++ {
		fmt.Printf("%5d  %s  %s\n", fns[i].lines, fns[i].name, fns[i].pos)
	}
	var pkgs []string
	for p := range pkgLines {
		pkgs = append(pkgs, p)
	}
	sort.Slice(pkgs, func(i, j int) bool { return pkgLines[pkgs[i]] > pkgLines[pkgs[j]] })
	fmt.Println("package lines (non-test):")
	for _, p := range pkgs {
		fmt.Printf("%6d  %s\n", pkgLines[p], p)
	}
}

func types(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return "*" + types(t.X)
	case *ast.Ident:
		return t.Name
	case *ast.IndexExpr:
		return types(t.X)
	case *ast.IndexListExpr:
		return types(t.X)
	}
	return "?"
}
