package validate

import "testing"

// BenchmarkCleanText measures the text scan over every value of the
// benchmark row, the bulk of Check's work on a clean row.
func BenchmarkCleanText(b *testing.B) {
	row := validRow()
	row.Values[Code] = benchCodes[0]
	var vals []string
	var ml []bool
	total := 0
	for f, s := range row.Values {
		if s != "" {
			vals = append(vals, s)
			ml = append(ml, Field(f) == Description)
			total += len(s)
		}
	}
	for _, c := range row.Custom {
		vals = append(vals, c.Value)
		ml = append(ml, false)
		total += len(c.Value)
	}
	b.SetBytes(int64(total))
	for b.Loop() {
		for i, s := range vals {
			if !cleanText(s, ml[i]) {
				b.Fatal(s)
			}
		}
	}
}
