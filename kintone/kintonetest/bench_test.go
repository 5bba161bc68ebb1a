package kintonetest

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/userimport/userimport/kintone"
)

// BenchmarkAddUsers100Loopback measures one full Add Users request of 100
// minimal users over loopback HTTP (validation, commit, response).
func BenchmarkAddUsers100Loopback(b *testing.B) {
	s := NewServer()
	defer s.Close()
	n := 0
	for b.Loop() {
		items := make([]map[string]any, 100)
		for i := range items {
			items[i] = newUser("b" + strconv.Itoa(n))
			items[i]["timezone"] = "Europe/Paris"
			n++
		}
		body, _ := json.Marshal(users(items...))
		if st, _, out := outcomeB(b, s, "POST", "/v1/users.json", string(body)); st != 200 {
			b.Fatalf("status %d %s", st, out)
		}
	}
}

// BenchmarkGetUsersPage measures one 100-user page of Get Users from a
// domain of 10,000 users.
func BenchmarkGetUsersPage(b *testing.B) {
	s := NewServer()
	defer s.Close()
	for i := range 100 {
		ins := make([]kintone.UserInput, 100)
		for j := range ins {
			ins[j] = userIn("p" + strconv.Itoa(i*100+j))
		}
		if err := s.AddUsers(ins...); err != nil {
			b.Fatal(err)
		}
	}
	off := 0
	for b.Loop() {
		if st, _, _ := outcomeB(b, s, "GET", "/v1/users.json?size=100&offset="+strconv.Itoa(off), ""); st != 200 {
			b.Fatalf("status %d", st)
		}
		off = (off + 100) % 10000
	}
}
