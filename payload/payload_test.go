package payload

import (
	"strings"
	"testing"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/validate"
)

func record(code string, set map[validate.Field]string, keep ...validate.Field) *validate.Record {
	rec := &validate.Record{Row: 7}
	rec.Values[validate.Code], rec.Set[validate.Code] = code, true
	for f, v := range set {
		rec.Values[f], rec.Set[f] = v, true
	}
	for _, f := range keep {
		rec.Set[f], rec.Keep[f], rec.Values[f] = true, true, ""
	}
	return rec
}

// TestUpdateKeepsStars: a "*" cell leaves the field as it is, a blank
// cell clears it, and the changes name the old and new values, never a
// password.
func TestUpdateKeepsStars(t *testing.T) {
	cur := &kintone.User{Code: "taro", Name: "Taro", Email: "t@example.com", Phone: "03-1234", Valid: true, Locale: "ja"}
	for _, tc := range []struct {
		name    string
		rec     *validate.Record
		changed bool
		changes string
	}{
		{"star leaves the e-mail", record("taro", map[validate.Field]string{validate.Name: "Taro"}, validate.Email), false, ""},
		{"blank clears the phone", record("taro", map[validate.Field]string{validate.Phone: ""}), true, `phone: "03-1234" -> (empty)`},
		{"new name, star phone", record("taro", map[validate.Field]string{validate.Name: "Taro Y", validate.Password: "New-pw-123"}, validate.Phone),
			true, `name: "Taro" -> "Taro Y"`},
		{"valid false", record("taro", map[validate.Field]string{validate.Valid: "false"}), true, `valid: "true" -> "false"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, changed, changes := Update(tc.rec, cur)
			if changed != tc.changed || strings.Join(changes, "; ") != tc.changes {
				t.Errorf("changed %v %q, want %v %q", changed, changes, tc.changed, tc.changes)
			}
			if in.Password != nil {
				t.Error("an update sends a password")
			}
			if tc.rec.Keep[validate.Email] && in.Email != nil || tc.rec.Keep[validate.Phone] && in.Phone != nil {
				t.Errorf("a \"*\" field is sent: %+v", in)
			}
		})
	}
}
