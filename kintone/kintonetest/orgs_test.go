package kintonetest

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/userimport/userimport/kintone"
)

func deptServer(t *testing.T, opts ...Option) *Server {
	t.Helper()
	orgs := []kintone.Organization{{Code: "sales", Name: "Sales"}, {Code: "hr", Name: "HR"}, {ID: "77", Code: "dev", Name: "Dev"}}
	titles := []kintone.Title{{Code: "manager", Name: "Manager"}}
	s := NewServer(append([]Option{WithDepartments(orgs, titles), WithUsers(
		kintone.UserInput{Code: "a", Name: ptr("A"), Password: secret("pw")},
		kintone.UserInput{Code: "b", Name: ptr("B"), Password: secret("pw")},
	)}, opts...)...)
	t.Cleanup(s.Close)
	return s
}

func putOrgs(t *testing.T, s *Server, items ...any) resp {
	t.Helper()
	return do(t, s, req{method: "PUT", path: "/v1/userOrganizations.json", body: map[string]any{"userOrganizations": items}})
}

func assign(code string, orgs ...[2]string) map[string]any {
	list := []any{}
	for _, o := range orgs {
		m := map[string]string{"orgCode": o[0]}
		if o[1] != "" {
			m["titleCode"] = o[1]
		}
		list = append(list, m)
	}
	return map[string]any{"code": code, "organizations": list}
}

// §2 Update User's Departments: full replacement, first = primary; Get
// User's Departments returns organization and title (null when none).
func TestUserOrganizations(t *testing.T) {
	s := deptServer(t)
	mustOK(t, putOrgs(t, s, assign("a", [2]string{"sales", "manager"}, [2]string{"hr", ""})))
	if got := s.Organizations("a"); !reflect.DeepEqual(got, []kintone.OrganizationAssignment{{OrgCode: "sales", TitleCode: "manager"}, {OrgCode: "hr"}}) {
		t.Errorf("Organizations = %+v", got)
	}
	u, _ := s.User("a")
	sales := "1" // first department given without an ID
	if u.PrimaryOrganization != sales {
		t.Errorf("primary = %q, want %q", u.PrimaryOrganization, sales)
	}
	r := do(t, s, req{method: "GET", path: "/v1/user/organizations.json?code=a"})
	mustOK(t, r)
	var out struct{ OrganizationTitles []kintone.OrganizationTitle }
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatal(err)
	}
	if len(out.OrganizationTitles) != 2 || out.OrganizationTitles[0].Organization.Code != "sales" ||
		out.OrganizationTitles[0].Title == nil || out.OrganizationTitles[0].Title.Code != "manager" ||
		out.OrganizationTitles[1].Title != nil {
		t.Errorf("Get User's Departments = %s", r.body)
	}
	if !strings.Contains(string(r.body), `"title":null`) {
		t.Errorf("no title must be null: %s", r.body)
	}
	// Primary comes from Get Users as the org id string (§3.2).
	if !strings.Contains(string(do(t, s, req{method: "GET", path: "/v1/users.json?codes[0]=a"}).body), `"primaryOrganization":"1"`) {
		t.Error("Get Users primaryOrganization is not the org id string")
	}

	// Replacement: departments not listed are removed; preset IDs are kept.
	mustOK(t, putOrgs(t, s, assign("a", [2]string{"dev", ""})))
	if got := s.Organizations("a"); !reflect.DeepEqual(got, []kintone.OrganizationAssignment{{OrgCode: "dev"}}) {
		t.Errorf("after replace: %+v", got)
	}
	if u, _ := s.User("a"); u.PrimaryOrganization != "77" {
		t.Errorf("primary = %q, want 77", u.PrimaryOrganization)
	}
	// [] removes every department.
	mustOK(t, putOrgs(t, s, assign("a")))
	if u, _ := s.User("a"); len(s.Organizations("a")) != 0 || u.PrimaryOrganization != "" {
		t.Error("[] did not clear departments")
	}
	if !strings.Contains(string(do(t, s, req{method: "GET", path: "/v1/users.json?codes[0]=a"}).body), `"primaryOrganization":null`) {
		t.Error("no primary must be null")
	}
}

// §2 / §5.2 / §6: unknown department or title → CB_VA01 "not found" at the
// nested key; missing code, unknown user, >100 organizations.
func TestUserOrganizationsErrors(t *testing.T) {
	s := deptServer(t)
	many := make([][2]string, 101)
	for i := range many {
		many[i] = [2]string{"sales", ""}
	}
	tests := []struct {
		name string
		item any
		key  string
		msg  string
	}{
		{"§5.2 unknown department", assign("a", [2]string{"sales", ""}, [2]string{"ghost", ""}), "userOrganizations[0].organizations[1].orgCode", "not found"},
		{"§5.2 unknown title", assign("a", [2]string{"sales", "boss"}), "userOrganizations[0].organizations[0].titleCode", "not found"},
		{"§2 unknown user", assign("ghost", [2]string{"sales", ""}), "userOrganizations[0].code", "not found"},
		{"§2 orgCode required", map[string]any{"code": "a", "organizations": []any{map[string]string{"titleCode": "manager"}}}, "userOrganizations[0].organizations[0].orgCode", "Required"},
		{"§2 organizations required", map[string]any{"code": "a"}, "userOrganizations[0].organizations", "Required"},
		{"§2 department twice", assign("a", [2]string{"sales", ""}, [2]string{"sales", "manager"}), "userOrganizations[0].organizations[1].orgCode", "Duplicate"},
		{"§6 more than 100 departments", assign("a", many...), "userOrganizations[0].organizations", "Up to 100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, putOrgs(t, s, tt.item), 400, "CB_VA01", tt.key, tt.msg)
		})
	}
	wantError(t, do(t, s, req{method: "GET", path: "/v1/user/organizations.json"}), 400, "CB_VA01", "code", "Required")
	wantError(t, do(t, s, req{method: "GET", path: "/v1/user/organizations.json?code=ghost"}), 400, "CB_VA01", "code", "not found")
	got := putOrgs(t, s, assign("a", [2]string{"ghost", ""}))
	got2 := do(t, s, req{method: "PUT", path: "/v1/userOrganizations.json", header: map[string]string{"Accept-Language": "ja"},
		body: map[string]any{"userOrganizations": []any{assign("a", [2]string{"ghost", ""})}}})
	if m := got2.messages("userOrganizations[0].organizations[0].orgCode"); len(m) != 1 || !strings.Contains(m[0], "見つかりません") {
		t.Errorf("ja not-found message = %q (en: %q)", m, got.messages("userOrganizations[0].organizations[0].orgCode"))
	}
}

// Preloading departments after start.
func TestAddDepartments(t *testing.T) {
	s := deptServer(t)
	if err := s.AddDepartments([]kintone.Organization{{Code: "ops"}}, []kintone.Title{{Code: "lead"}}); err != nil {
		t.Fatal(err)
	}
	mustOK(t, putOrgs(t, s, assign("b", [2]string{"ops", "lead"})))
	for _, bad := range [][]kintone.Organization{{{Code: "sales"}}, {{Code: ""}}, {{Code: "x"}, {Code: "x"}}} {
		if err := s.AddDepartments(bad, nil); err == nil {
			t.Errorf("AddDepartments(%v) succeeded", bad)
		}
	}
	if err := s.AddDepartments(nil, []kintone.Title{{Code: "lead"}}); err == nil {
		t.Error("duplicate title accepted")
	}
}

// §3.2: primaryOrganization is sampled as a string and documented as a
// number; WithNumericPrimaryOrganization switches to the number. No primary
// department is null either way, and an id that is not a number (only
// possible through WithDepartments) stays a string.
func TestPrimaryOrganizationWireForm(t *testing.T) {
	tests := []struct {
		name    string
		opts    []Option
		primary string // department code assigned first; "" = none
		want    string
	}{
		{"string by default", nil, "sales", `"primaryOrganization":"1"`},
		{"number when asked", []Option{WithNumericPrimaryOrganization()}, "sales", `"primaryOrganization":1`},
		{"preset numeric id as a number", []Option{WithNumericPrimaryOrganization()}, "dev", `"primaryOrganization":77`},
		{"none is null", []Option{WithNumericPrimaryOrganization()}, "", `"primaryOrganization":null`},
		{"non-numeric id stays a string", []Option{WithNumericPrimaryOrganization(), WithDepartments(
			[]kintone.Organization{{ID: "x9", Code: "ops", Name: "Ops"}}, nil)}, "ops", `"primaryOrganization":"x9"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := deptServer(t, tt.opts...)
			if tt.primary != "" {
				mustOK(t, putOrgs(t, s, assign("a", [2]string{tt.primary, ""})))
			}
			body := string(do(t, s, req{method: "GET", path: "/v1/users.json?codes[0]=a"}).body)
			if !strings.Contains(body, tt.want) {
				t.Errorf("Get Users = %s, want it to contain %s", body, tt.want)
			}
		})
	}
}
