package kintone

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestUserNumberForms decodes primaryOrganization and sortOrder in every
// form a server may send (reference §3.2: documented as numbers, sampled as
// a string for primaryOrganization).
func TestUserNumberForms(t *testing.T) {
	tests := []struct {
		name      string
		fields    string // JSON members after "code"
		wantOrg   string
		wantSort  *int64
		wantError string // substring; "" = success
	}{
		{name: "primaryOrganization string, as sampled", fields: `"primaryOrganization":"9"`, wantOrg: "9"},
		{name: "primaryOrganization number, as documented", fields: `"primaryOrganization":9`, wantOrg: "9"},
		{name: "primaryOrganization large number", fields: `"primaryOrganization":9007199254740993`, wantOrg: "9007199254740993"},
		{name: "primaryOrganization float-formatted number", fields: `"primaryOrganization":9.0`, wantOrg: "9"},
		{name: "primaryOrganization exponent", fields: `"primaryOrganization":1e2`, wantOrg: "100"},
		{name: "primaryOrganization null", fields: `"primaryOrganization":null`, wantOrg: ""},
		{name: "primaryOrganization empty string", fields: `"primaryOrganization":""`, wantOrg: ""},
		{name: "primaryOrganization absent", fields: `"name":"A"`, wantOrg: ""},
		{name: "primaryOrganization fraction", fields: `"primaryOrganization":9.5`, wantError: "primaryOrganization"},
		{name: "primaryOrganization bool", fields: `"primaryOrganization":true`, wantError: "cannot unmarshal bool"},
		{name: "primaryOrganization object", fields: `"primaryOrganization":{"id":"9"}`, wantError: "cannot unmarshal object"},
		{name: "sortOrder number", fields: `"sortOrder":5`, wantSort: ptrTo[int64](5)},
		{name: "sortOrder zero", fields: `"sortOrder":0`, wantSort: ptrTo[int64](0)},
		{name: "sortOrder old unset value", fields: `"sortOrder":2147483647`, wantSort: ptrTo[int64](2147483647)},
		{name: "sortOrder float-formatted", fields: `"sortOrder":5.0`, wantSort: ptrTo[int64](5)},
		{name: "sortOrder numeric string", fields: `"sortOrder":"5"`, wantSort: ptrTo[int64](5)},
		{name: "sortOrder numeric string with spaces", fields: `"sortOrder":" 12 "`, wantSort: ptrTo[int64](12)},
		{name: "sortOrder empty string", fields: `"sortOrder":""`, wantSort: nil},
		{name: "sortOrder null", fields: `"sortOrder":null`, wantSort: nil},
		{name: "sortOrder absent", fields: `"name":"A"`, wantSort: nil},
		{name: "sortOrder fraction", fields: `"sortOrder":1.5`, wantError: "cannot unmarshal number 1.5"},
		{name: "sortOrder word", fields: `"sortOrder":"first"`, wantError: "sortOrder"},
		{name: "sortOrder NaN string", fields: `"sortOrder":"NaN"`, wantError: "sortOrder"},
		{name: "sortOrder bool", fields: `"sortOrder":false`, wantError: "cannot unmarshal bool"},
		{name: "both as numbers", fields: `"primaryOrganization":77,"sortOrder":3`, wantOrg: "77", wantSort: ptrTo[int64](3)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := `{"id":"7532782697181632512","code":"taro","ctime":"2013-07-22T08:12:18Z","valid":true,` + tt.fields + `}`
			var u User
			err := json.Unmarshal([]byte(data), &u)
			if tt.wantError != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantError) {
					t.Fatalf("Unmarshal(%s) error = %v, want one containing %q", data, err, tt.wantError)
				}
				return
			}
			if err != nil {
				t.Fatalf("Unmarshal(%s): %v", data, err)
			}
			if u.PrimaryOrganization != tt.wantOrg {
				t.Errorf("PrimaryOrganization = %q, want %q", u.PrimaryOrganization, tt.wantOrg)
			}
			if (u.SortOrder == nil) != (tt.wantSort == nil) || u.SortOrder != nil && *u.SortOrder != *tt.wantSort {
				t.Errorf("SortOrder = %v, want %v", deref(u.SortOrder), deref(tt.wantSort))
			}
			// The other fields still decode.
			if u.ID != "7532782697181632512" || u.Code != "taro" || !u.Valid || !u.CTime.Equal(time.Date(2013, 7, 22, 8, 12, 18, 0, time.UTC)) {
				t.Errorf("other fields = %+v", u)
			}
		})
	}
}

// TestGetUsersNumericPrimaryOrganization reads a page in which one user's
// primaryOrganization is a number and another's a string: neither may fail
// the page.
func TestGetUsersNumericPrimaryOrganization(t *testing.T) {
	ts := newTestServer(t, replyJSON(200, `{"users":[`+
		`{"id":"1","code":"a","primaryOrganization":9,"sortOrder":"4"},`+
		`{"id":"2","code":"b","primaryOrganization":"10","sortOrder":2},`+
		`{"id":"3","code":"c","primaryOrganization":null,"sortOrder":null}]}`))
	c := clientFor(t, ts)
	users, err := c.GetUsers(context.Background(), GetUsersOptions{})
	if err != nil {
		t.Fatalf("GetUsers: %v", err)
	}
	type got struct {
		org  string
		sort int64
	}
	want := []got{{"9", 4}, {"10", 2}, {"", -1}}
	if len(users) != len(want) {
		t.Fatalf("got %d users, want %d", len(users), len(want))
	}
	for i, u := range users {
		g := got{u.PrimaryOrganization, deref(u.SortOrder)}
		if g != want[i] {
			t.Errorf("user %s = %+v, want %+v", u.Code, g, want[i])
		}
	}
}

// FuzzUserUnmarshalJSON checks that decoding never panics and that a
// decoded user survives a round trip through its canonical encoding.
func FuzzUserUnmarshalJSON(f *testing.F) {
	f.Add([]byte(`{"id":"1","code":"a","primaryOrganization":9,"sortOrder":"5"}`))
	f.Add([]byte(`{"primaryOrganization":"9","sortOrder":1e3}`))
	f.Add([]byte(`{"primaryOrganization":null,"sortOrder":""}`))
	f.Add([]byte(`{"primaryOrganization":-1.0e0,"sortOrder":" -0 "}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var u User
		if json.Unmarshal(data, &u) != nil {
			return
		}
		once, err := json.Marshal(u)
		if err != nil {
			t.Fatalf("Marshal(%+v): %v", u, err)
		}
		var again User
		if err := json.Unmarshal(once, &again); err != nil {
			t.Fatalf("Unmarshal(%s): %v", once, err)
		}
		twice, _ := json.Marshal(again)
		if !bytes.Equal(once, twice) {
			t.Fatalf("round trip changed the user:\n%s\n%s", once, twice)
		}
	})
}

func ptrTo[T any](v T) *T { return &v }

// deref returns *p, or -1 for nil.
func deref(p *int64) int64 {
	if p == nil {
		return -1
	}
	return *p
}
