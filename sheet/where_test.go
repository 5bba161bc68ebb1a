package sheet

import "testing"

// TestWhere: the reader says on which row it found the header and which
// separator it used, so a copy of the file can line up with it.
func TestWhere(t *testing.T) {
	for _, tt := range []struct {
		name, content string
		want          Where
	}{
		{"plain.csv", "code,name\na,A\n", Where{HeaderRow: 1, Delimiter: ','}},
		{"title.csv", "Staff list 2026;;\n\ncode;name;email\na;A;a@example.com\n", Where{HeaderRow: 3, Delimiter: ';'}},
		{"tabs.tsv", "code\tname\na\tA\n", Where{HeaderRow: 1, Delimiter: '\t'}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.name, []byte(tt.content))
			opts := Options{FindHeader: func(rows [][]string) (int, bool) {
				for i, r := range rows {
					if len(r) > 0 && r[0] == "code" {
						return i, true
					}
				}
				return 0, false
			}}
			src, err := Open(path, opts)
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			if got := WhereOf(src); got != tt.want {
				t.Fatalf("WhereOf = %+v, want %+v", got, tt.want)
			}
		})
	}
}
