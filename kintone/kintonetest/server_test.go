package kintonetest

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/userimport/userimport/kintone"
)

func userIn(code string) kintone.UserInput {
	return kintone.UserInput{Code: code, Name: ptr("Name " + code), Password: secret("pw-" + code)}
}

// Listen refuses every non-loopback address: the admin password travels in
// clear over plain HTTP.
func TestListenLoopbackOnly(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.168.1.10:0", "[::]:0", "example.com:0"} {
		if s, err := Listen(addr); !errors.Is(err, ErrNotLoopback) {
			if s != nil {
				s.Close()
			}
			t.Errorf("Listen(%q) = %v, want ErrNotLoopback", addr, err)
		}
	}
	if _, err := Listen("no-port"); err == nil {
		t.Error("Listen without a port succeeded")
	}
	s, err := Listen("localhost:0")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mustOK(t, do(t, s, req{method: "GET", path: "/v1/users.json"}))
	if !strings.HasPrefix(s.URL, "http://127.0.0.1:") && !strings.HasPrefix(s.URL, "http://[::1]:") {
		t.Errorf("URL = %q", s.URL)
	}
}

// The admin password never appears in any formatting of the Server.
func TestServerStringMasksPassword(t *testing.T) {
	s := NewServer(WithAdminPassword("hunter2-secret"))
	defer s.Close()
	if s.AdminPassword != "hunter2-secret" || s.AdminUser != "Administrator" {
		t.Fatalf("credentials %q", s.AdminUser)
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		if out := fmt.Sprintf(verb, s); strings.Contains(out, "hunter2") || !strings.Contains(out, s.URL) {
			t.Errorf("%s: %s", verb, out)
		}
	}
	random := NewServer()
	defer random.Close()
	if len(random.AdminPassword) < 16 || random.AdminPassword == otherServerPassword() {
		t.Errorf("random admin password %d chars", len(random.AdminPassword))
	}
}

// otherServerPassword returns another fresh server's password, to check
// passwords are not constant.
func otherServerPassword() string {
	s := NewServer()
	defer s.Close()
	return s.AdminPassword
}

// Preloads use the Add Users rules; a bad preload is refused.
func TestPreload(t *testing.T) {
	s := NewServer(WithUsers(userIn("a"), userIn("b")), WithServices("a", "kintone", "garoon"))
	defer s.Close()
	us := s.Users()
	if got := codesOf(us); strings.Join(got, ",") != "Administrator,a,b" {
		t.Errorf("Users = %v", got)
	}
	if sv := s.Services("a"); strings.Join(sv, ",") != "kintone,garoon" || s.Services("b") != nil {
		t.Errorf("services a=%v b=%v", sv, s.Services("b"))
	}
	// Accessors return copies.
	us[1].CustomItemValues = append(us[1].CustomItemValues, kintone.CustomItemValue{Code: "x"})
	sv := s.Services("a")
	sv[0] = "mutated"
	if u, _ := s.User("a"); len(u.CustomItemValues) != 0 || s.Services("a")[0] != "kintone" {
		t.Error("accessor returned shared state")
	}
	if err := s.AddUsers(userIn("c")); err != nil {
		t.Fatal(err)
	}
	err := s.AddUsers(userIn("c"), kintone.UserInput{Code: "bad/code", Name: ptr("x"), Password: secret("p")})
	var pe *PreloadError
	if !errors.As(err, &pe) || len(pe.Fields["users[0].code"]) == 0 || len(pe.Fields["users[1].code"]) == 0 {
		t.Fatalf("AddUsers error = %v", err)
	}
	if strings.Contains(err.Error(), "pw-c") {
		t.Error("error leaks a password")
	}
	if err := s.SetServices("ghost", "kintone"); err == nil {
		t.Error("SetServices on unknown user succeeded")
	}
	if err := s.SetServices("a", "excel"); err == nil {
		t.Error("SetServices with unknown service succeeded")
	}

	for name, opts := range map[string][]Option{
		"invalid user":       {WithUsers(kintone.UserInput{Code: "x"})},
		"services unknown":   {WithServices("nobody", "kintone")},
		"zero concurrency":   {WithMaxConcurrent(0)},
		"fault rate over 1":  {WithFaults(Faults{Rate503: 2})},
		"fault sum over 1":   {WithFaults(Faults{Rate503: 0.5, RateHTML: 0.6})},
		"duplicate org code": {WithDepartments([]kintone.Organization{{Code: "o"}, {Code: "o"}}, nil)},
	} {
		if s, err := Listen("127.0.0.1:0", opts...); err == nil {
			s.Close()
			t.Errorf("%s: Listen succeeded", name)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("NewServer with an invalid preload did not panic")
		}
	}()
	NewServer(WithUsers(kintone.UserInput{Code: "x"}))
}

// The Administrator is a user (Get Users returns it, reference §2) and
// logs in with AdminPassword.
func TestAdministratorUser(t *testing.T) {
	s := NewServer()
	defer s.Close()
	us := getUsers(t, s, "")
	if len(us) != 1 || us[0].Code != AdminLogin || us[0].ID != "7532782697181632512" {
		t.Errorf("users = %+v", us)
	}
}

// Many concurrent writers and readers keep the state consistent (run with
// -race to check the locking).
func TestConcurrentUse(t *testing.T) {
	s := NewServer()
	defer s.Close()
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5 {
				code := "w" + itoa(w) + "-" + itoa(i)
				mustOK(t, do(t, s, req{method: "POST", path: "/v1/users.json", body: users(newUser(code))}))
				mustOK(t, do(t, s, req{method: "PUT", path: "/v1/users/services.json",
					body: users(map[string]any{"code": code, "services": []string{"kintone"}})}))
				_ = s.Users()
				_ = s.Requests()
			}
		}()
	}
	wg.Wait()
	if n := len(s.Users()); n != 41 {
		t.Errorf("users = %d, want 41", n)
	}
	ids := map[string]bool{}
	for _, u := range s.Users() {
		if ids[u.ID] {
			t.Errorf("duplicate id %s", u.ID)
		}
		ids[u.ID] = true
	}
	if st := s.Requests(); st.Committed != 80 || st.ByStatus[http.StatusOK] != 80 {
		t.Errorf("stats = %+v", st)
	}
}

// Close is safe to call twice.
func TestCloseTwice(t *testing.T) {
	s := NewServer()
	s.Close()
	s.Close()
}
