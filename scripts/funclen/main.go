// Command funclen prints every non-test Go function longer than -max lines (default 80), longest
// first, and exits 1 when it printed any: `make shape` runs it with gocyclo.
package main

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strings"
)

func main() {
	max := flag.Int("max", 80, "longest function allowed, in lines")
	flag.Parse()
	found := false
	for _, f := range flag.Args() {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		fs := token.NewFileSet()
		file, err := parser.ParseFile(fs, f, nil, 0)
		if err != nil {
			continue
		}
		ast.Inspect(file, func(n ast.Node) bool {
			fd, ok := n.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				return true
			}
			l := fs.Position(fd.End()).Line - fs.Position(fd.Pos()).Line + 1
			if l > *max {
				fmt.Printf("%d %s %s\n", l, f, fd.Name.Name)
				found = true
			}
			return true
		})
	}
	if found {
		os.Exit(1)
	}
}
