package match

import (
	"testing"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/validate"
)

func row(code, emp, email, newCode string) *validate.Record {
	rec := &validate.Record{NewCode: newCode}
	rec.Values[validate.Code], rec.Values[validate.EmployeeNumber], rec.Values[validate.Email] = code, emp, email
	return rec
}

// TestIndexFind: a row is matched by its key when it has one, else by
// login name; e-mail addresses match whatever their case.
func TestIndexFind(t *testing.T) {
	idx := NewIndex()
	for _, u := range []kintone.User{{Code: "taro", EmployeeNumber: "E1", Email: "Taro@Example.com"}, {Code: "hana"}} {
		idx.Add(&u)
	}
	for _, tc := range []struct {
		on   On
		rec  *validate.Record
		want string
	}{
		{Code, row("taro", "", "", ""), "taro"},
		{EmployeeNumber, row("taro.y", "E1", "", ""), "taro"},
		{EmployeeNumber, row("hana", "", "", ""), "hana"},
		{Email, row("x", "", "taro@example.COM", ""), "taro"},
		{Email, row("nobody", "", "", ""), ""},
	} {
		got := ""
		if u := idx.Find(tc.on, tc.rec); u != nil {
			got = u.Code
		}
		if got != tc.want {
			t.Errorf("Find(%s, %v) = %q, want %q", tc.on, tc.rec.Values, got, tc.want)
		}
	}
	if us := idx.Users(); len(us) != 2 || us[0].Code != "hana" {
		t.Errorf("Users = %+v, want hana then taro", us)
	}
}

// TestListed: a user is listed by login name (old or new) or by the
// --match-on key, and by nothing else.
func TestListed(t *testing.T) {
	l := Listed{}
	l.Add(EmployeeNumber, row("a", "E1", "x@example.com", "a2"))
	for _, tc := range []struct {
		u    kintone.User
		want bool
	}{
		{kintone.User{Code: "a"}, true},
		{kintone.User{Code: "a2"}, true},
		{kintone.User{Code: "b", EmployeeNumber: "E1"}, true},
		{kintone.User{Code: "c", Email: "x@example.com"}, false},
		{kintone.User{Code: ""}, false},
	} {
		if got := l.Has(EmployeeNumber, tc.u); got != tc.want {
			t.Errorf("Has(%+v) = %v, want %v", tc.u, got, tc.want)
		}
	}
}

// TestParse: the --match-on spellings.
func TestParse(t *testing.T) {
	for in, want := range map[string]On{"": Code, "code": Code, "employee-number": EmployeeNumber, "e-mail": Email} {
		if got, err := Parse(in); got != want || err != nil {
			t.Errorf("Parse(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := Parse("name"); err == nil {
		t.Error("Parse accepts name")
	}
}
