package validate

import (
	"strconv"
	"strings"
	"testing"
)

func TestNameStore(t *testing.T) {
	var n nameStore
	names := []string{"a", "taro", strings.Repeat("x", maxShort), strings.Repeat("y", maxShort+1), "山田", strings.Repeat("z", 70000)}
	for i := range 5000 { // several blocks
		names = append(names, "user-"+strconv.Itoa(i)+strings.Repeat("-", i%40))
	}
	refs := make([]uint32, len(names))
	for i, s := range names {
		refs[i] = n.add(s)
	}
	for i, s := range names {
		if got := n.get(refs[i]); got != s {
			t.Fatalf("name %d: got %.20q, want %.20q", i, got, s)
		}
	}
	if len(n.blocks) < 2 || len(n.long) != 2 {
		t.Fatalf("%d blocks, %d long names; want several blocks and 2 long names", len(n.blocks), len(n.long))
	}
}

func TestHashSet(t *testing.T) {
	for _, hint := range []int{0, 5000} {
		s := newHashSet(hint)
		// 0 and 1 are the same entry (0 marks empty slots); the rest are
		// close values, which must not all land in one run of slots.
		hashes := []uint64{0, 2, ^uint64(0)}
		for i := range 20000 {
			hashes = append(hashes, uint64(1000+i))
		}
		for i, h := range hashes {
			s.reserve()
			slot, found := s.find(h)
			if found {
				t.Fatalf("hint %d: hash %d found before it was added", hint, h)
			}
			s.set(slot, h, int32(i), uint32(i*7))
		}
		for i, h := range hashes {
			slot, found := s.find(h)
			if e := s.slots[slot]; !found || e.row != int32(i) || e.ref != uint32(i*7) {
				t.Fatalf("hint %d: hash %d: found %v, row %d, ref %d; want row %d, ref %d", hint, h, found, e.row, e.ref, i, i*7)
			}
		}
		if slot, found := s.find(1); !found || s.slots[slot].row != 0 {
			t.Fatalf("hint %d: hash 1 should find the entry of hash 0", hint)
		}
		if s.n != len(hashes) || s.n*4 > len(s.slots)*3 {
			t.Fatalf("hint %d: %d entries in %d slots", hint, s.n, len(s.slots))
		}
	}
}

// Login names that differ only in case are a warning naming the first
// spelling; an exact repeat of any spelling is an error naming the row of
// that spelling.
func TestDuplicateSpellings(t *testing.T) {
	v := New(Options{})
	for i, tc := range []struct {
		code string
		rule Rule
		row  string
	}{
		{"Taro", "", ""},
		{"taro", RuleCodeCaseDuplicate, "row 2"},
		{"TARO", RuleCodeCaseDuplicate, "row 2"},
		{"taro", RuleCodeDuplicate, "row 3"},
		{"Taro", RuleCodeDuplicate, "row 2"},
		{"TARO", RuleCodeDuplicate, "row 4"},
		{"hanako", "", ""},
	} {
		rec := &Record{Row: i + 2, Values: baseRow(Users)}
		rec.Values[Code] = tc.code
		rec.Values[Email] = "" // only the login name is under test
		res := v.Check(rec)
		var got []Issue
		for _, is := range res.Issues {
			if is.Rule == RuleCodeDuplicate || is.Rule == RuleCodeCaseDuplicate {
				got = append(got, is)
			}
		}
		switch {
		case tc.rule == "" && len(got) != 0:
			t.Fatalf("row %d %q: unexpected %+v", i+2, tc.code, got)
		case tc.rule != "" && (len(got) != 1 || got[0].Rule != tc.rule || !strings.Contains(got[0].Message, tc.row+";") && !strings.Contains(got[0].Message, tc.row+" ")):
			t.Fatalf("row %d %q: got %+v, want %s naming %s", i+2, tc.code, got, tc.rule, tc.row)
		}
	}
}
