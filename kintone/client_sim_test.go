package kintone_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/kintone/kintonetest"
)

// These tests run the client against the simulator: the round trip proves
// that what the client sends is what the documented service accepts (as the
// simulator models it from the reference) and that the client reads back the
// service's answers and errors as intended.

func newSim(t *testing.T, opts ...kintonetest.Option) (*kintonetest.Server, *kintone.Client) {
	t.Helper()
	s := kintonetest.NewServer(opts...)
	t.Cleanup(s.Close)
	c, err := kintone.NewClient(s.URL+"/", kintone.WithPassword(s.AdminUser, kintone.Secret(s.AdminPassword)))
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

func ptr[T any](v T) *T { return &v }

func newUsers(from, n int) []kintone.UserInput {
	users := make([]kintone.UserInput, n)
	for i := range users {
		users[i] = kintone.UserInput{
			Code:     fmt.Sprintf("user%03d", from+i),
			Password: ptr(kintone.Secret(fmt.Sprintf("Pw-%03d-secret", from+i))),
			Name:     ptr(fmt.Sprintf("User %d", from+i)),
			Email:    ptr(fmt.Sprintf("user%03d@example.com", from+i)),
			Valid:    ptr(true),
		}
	}
	return users
}

func TestSimRoundTrip(t *testing.T) {
	ctx := context.Background()
	s, c := newSim(t)

	// Add 150 users in two batches.
	all := newUsers(0, 150)
	for batch := range slices.Chunk(all, kintone.MaxPerRequest) {
		if err := c.AddUsers(ctx, batch); err != nil {
			t.Fatalf("AddUsers: %v", err)
		}
	}

	got, err := c.GetUsers(ctx, kintone.GetUsersOptions{Codes: []string{"user007", "user149", "nobody"}})
	if err != nil {
		t.Fatalf("GetUsers: %v", err)
	}
	if len(got) != 2 || got[0].Code != "user007" || got[0].Name != "User 7" || got[1].Email != "user149@example.com" || got[0].ID == "" {
		t.Fatalf("GetUsers by codes = %+v", got)
	}

	byID, err := c.GetUsers(ctx, kintone.GetUsersOptions{IDs: []string{got[1].ID}})
	if err != nil || len(byID) != 1 || byID[0].Code != "user149" {
		t.Fatalf("GetUsers by id = %+v, %v", byID, err)
	}

	// Paging: every user once, the Administrator included, in id order.
	var codes, ids []string
	for u, err := range c.AllUsers(ctx) {
		if err != nil {
			t.Fatalf("AllUsers: %v", err)
		}
		codes = append(codes, u.Code)
		ids = append(ids, u.ID)
	}
	if len(codes) != 151 || !slices.Contains(codes, kintonetest.AdminLogin) || !slices.Contains(codes, "user149") {
		t.Fatalf("AllUsers returned %d users", len(codes))
	}
	if want := len(s.Users()); len(codes) != want {
		t.Errorf("AllUsers returned %d users, the simulator holds %d", len(codes), want)
	}
	if !slices.IsSortedFunc(ids, func(a, b string) int {
		if len(a) != len(b) {
			return len(a) - len(b)
		}
		return strings.Compare(a, b)
	}) {
		t.Errorf("AllUsers not in id order")
	}

	// Services: none until granted.
	if sv := s.Services("user001"); len(sv) != 0 {
		t.Fatalf("new user has services %v", sv)
	}
	if err := c.UpdateUserServices(ctx, []kintone.UserServices{{Code: "user001", Services: []string{"kintone"}}, {Code: "user002"}}); err != nil {
		t.Fatalf("UpdateUserServices: %v", err)
	}
	us, err := c.GetUserServices(ctx, []string{"user001", "user002"}, 0, 0)
	if err != nil {
		t.Fatalf("GetUserServices: %v", err)
	}
	if len(us) != 2 || !slices.Equal(us[0].Services, []string{"kintone"}) || len(us[1].Services) != 0 {
		t.Errorf("GetUserServices = %+v", us)
	}
	if sv := s.Services("user001"); !slices.Equal(sv, []string{"kintone"}) {
		t.Errorf("simulator services = %v", sv)
	}

	// Update and delete.
	if err := c.UpdateUsers(ctx, []kintone.UserInput{{Code: "user003", Name: ptr("Renamed"), Valid: ptr(true)}}); err != nil {
		t.Fatalf("UpdateUsers: %v", err)
	}
	if u, ok := s.User("user003"); !ok || u.Name != "Renamed" {
		t.Errorf("after UpdateUsers: %+v", u)
	}
	if err := c.DeleteUsers(ctx, []string{"user004", "user005"}); err != nil {
		t.Fatalf("DeleteUsers: %v", err)
	}
	if _, ok := s.User("user004"); ok {
		t.Error("user004 survived DeleteUsers")
	}
}

func TestSimLongGetUsesOverride(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	var overrides int
	s, c := newSim(t, kintonetest.WithRequestHook(func(r *http.Request) {
		if r.Method == http.MethodPost && r.Header.Get("X-HTTP-Method-Override") == http.MethodGet {
			mu.Lock()
			overrides++
			mu.Unlock()
		}
	}))
	users := newUsers(0, 100)
	for i := range users {
		users[i].Code = fmt.Sprintf("%s-%03d", strings.Repeat("long.login.name", 6), i)
	}
	if err := c.AddUsers(ctx, users); err != nil {
		t.Fatal(err)
	}
	codes := make([]string, len(users))
	for i, u := range users {
		codes[i] = u.Code
	}
	got, err := c.GetUsers(ctx, kintone.GetUsersOptions{Codes: codes})
	if err != nil || len(got) != 100 {
		t.Fatalf("GetUsers with 100 long codes = %d users, %v", len(got), err)
	}
	mu.Lock()
	defer mu.Unlock()
	if n := s.Requests().ByEndpoint["GET /v1/users.json"]; n != 1 || overrides != 1 {
		t.Errorf("simulator counted %d GET /v1/users.json and %d overrides, want 1 and 1", n, overrides)
	}
}

func TestSimValidationErrors(t *testing.T) {
	tests := []struct {
		name      string
		opts      []kintonetest.Option
		wantIndex int
	}{
		{"indexed keys", nil, 1},
		{"unindexed keys", []kintonetest.Option{kintonetest.WithUnindexedErrors()}, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s, c := newSim(t, append(tt.opts, kintonetest.WithDefaultLanguage("en"))...)
			if err := c.AddUsers(ctx, newUsers(0, 2)); err != nil {
				t.Fatal(err)
			}
			batch := append(newUsers(10, 1), newUsers(1, 1)...) // second item duplicates user001
			err := c.AddUsers(ctx, batch)
			var ae *kintone.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v, want *APIError", err)
			}
			if ae.Status != 400 || ae.Code != kintone.CodeInvalidInput || len(ae.Errors) == 0 {
				t.Fatalf("got %v", err)
			}
			fe := ae.Errors[0]
			if fe.Index != tt.wantIndex || fe.Field != "code" || fe.Indexed() != (tt.wantIndex >= 0) {
				t.Errorf("field error = %+v, want index %d field code", fe, tt.wantIndex)
			}
			if !strings.Contains(strings.Join(fe.Messages, " "), "already exists") {
				t.Errorf("messages = %q", fe.Messages)
			}
			if kintone.IsRetryable(err) || kintone.IsOutcomeUnknown(err) {
				t.Error("validation error classified as retryable or outcome-unknown")
			}
			if _, ok := s.User("user010"); ok {
				t.Error("rejected batch was partly applied")
			}
			if strings.Contains(err.Error(), "Pw-0") {
				t.Errorf("error leaks a password: %v", err)
			}
		})
	}
}

func TestSimAuthErrors(t *testing.T) {
	tests := []struct {
		name       string
		simOpts    []kintonetest.Option
		clientOpts func(s *kintonetest.Server) []kintone.Option
		write      bool
		wantStatus int
		wantCode   string
		auth, perm bool
		html       bool
	}{
		{"no credentials", nil, func(*kintonetest.Server) []kintone.Option { return nil },
			false, 401, "CB_AU01", true, false, false},
		{"wrong password", nil, func(s *kintonetest.Server) []kintone.Option {
			return []kintone.Option{kintone.WithPassword(s.AdminUser, "wrong-password")}
		}, false, 401, "CB_WA01", true, false, false},
		{"legacy 520", []kintonetest.Option{kintonetest.WithLegacyAuthStatus()}, func(s *kintonetest.Server) []kintone.Option {
			return []kintone.Option{kintone.WithPassword(s.AdminUser, "wrong-password")}
		}, false, 520, "CB_WA01", true, false, false},
		{"not an administrator", []kintonetest.Option{kintonetest.WithUser("clerk", "Clerk-pass-1", false)}, func(*kintonetest.Server) []kintone.Option {
			return []kintone.Option{kintone.WithPassword("clerk", "Clerk-pass-1")}
		}, true, 403, "CB_NO02", false, true, false},
		{"Basic authentication missing", []kintonetest.Option{kintonetest.WithBasicAuth("bu", "bp-secret")}, func(s *kintonetest.Server) []kintone.Option {
			return []kintone.Option{kintone.WithPassword(s.AdminUser, kintone.Secret(s.AdminPassword))}
		}, false, 401, "", true, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := kintonetest.NewServer(tt.simOpts...)
			defer s.Close()
			c, err := kintone.NewClient(s.URL, tt.clientOpts(s)...)
			if err != nil {
				t.Fatal(err)
			}
			if tt.write {
				err = c.DeleteUsers(context.Background(), []string{"someone"})
			} else {
				_, err = c.GetUsers(context.Background(), kintone.GetUsersOptions{})
			}
			var ae *kintone.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v, want *APIError", err)
			}
			if ae.Status != tt.wantStatus || ae.Code != tt.wantCode || ae.HTML != tt.html {
				t.Errorf("got %d %q html=%v, want %d %q html=%v", ae.Status, ae.Code, ae.HTML, tt.wantStatus, tt.wantCode, tt.html)
			}
			if kintone.IsAuth(err) != tt.auth || kintone.IsPermission(err) != tt.perm {
				t.Errorf("IsAuth %v IsPermission %v, want %v %v", kintone.IsAuth(err), kintone.IsPermission(err), tt.auth, tt.perm)
			}
			if strings.Contains(err.Error(), s.AdminPassword) {
				t.Errorf("error leaks the admin password: %v", err)
			}
		})
	}
}

func TestSimBasicAuthAccepted(t *testing.T) {
	s := kintonetest.NewServer(kintonetest.WithBasicAuth("bu", "bp-secret"))
	defer s.Close()
	c, err := kintone.NewClient(s.URL, kintone.WithPassword(s.AdminUser, kintone.Secret(s.AdminPassword)), kintone.WithBasicAuth("bu", "bp-secret"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetUsers(context.Background(), kintone.GetUsersOptions{Size: 1}); err != nil {
		t.Fatalf("GetUsers with Basic auth: %v", err)
	}
}

func TestSimFaults(t *testing.T) {
	tests := []struct {
		name      string
		faults    kintonetest.Faults
		retryable bool
		unknown   bool
		committed bool
	}{
		{"503", kintonetest.Faults{Rate503: 1}, true, false, false},
		{"429", kintonetest.Faults{Rate429: 1}, true, false, false},
		{"520 lock", kintonetest.Faults{Rate520: 1}, true, false, false},
		{"HTML page", kintonetest.Faults{RateHTML: 1}, true, false, false},
		{"drop after commit", kintonetest.Faults{RateDropAfterCommit: 1}, false, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c := newSim(t, kintonetest.WithFaults(tt.faults), kintonetest.WithSeed(1))
			err := c.AddUsers(context.Background(), newUsers(0, 3))
			if err == nil {
				t.Fatal("want an error")
			}
			if kintone.IsRetryable(err) != tt.retryable || kintone.IsOutcomeUnknown(err) != tt.unknown {
				t.Errorf("err %v: IsRetryable %v IsOutcomeUnknown %v, want %v %v",
					err, kintone.IsRetryable(err), kintone.IsOutcomeUnknown(err), tt.retryable, tt.unknown)
			}
			if _, ok := s.User("user002"); ok != tt.committed {
				t.Errorf("committed = %v, want %v", ok, tt.committed)
			}
		})
	}
}

func TestSimDepartmentsAndGuests(t *testing.T) {
	ctx := context.Background()
	s, c := newSim(t, kintonetest.WithDepartments(
		[]kintone.Organization{{Code: "sales", Name: "Sales"}, {Code: "dev", Name: "Development"}},
		[]kintone.Title{{Code: "mgr", Name: "Manager"}},
	))
	if err := c.AddUsers(ctx, newUsers(0, 1)); err != nil {
		t.Fatal(err)
	}
	err := c.UpdateUserOrganizations(ctx, []kintone.UserOrganizations{{
		Code:          "user000",
		Organizations: []kintone.OrganizationAssignment{{OrgCode: "dev", TitleCode: "mgr"}, {OrgCode: "sales"}},
	}})
	if err != nil {
		t.Fatalf("UpdateUserOrganizations: %v", err)
	}
	ots, err := c.GetUserOrganizations(ctx, "user000")
	if err != nil {
		t.Fatalf("GetUserOrganizations: %v", err)
	}
	if len(ots) != 2 {
		t.Fatalf("GetUserOrganizations = %+v", ots)
	}
	var titled string
	for _, ot := range ots {
		if ot.Title != nil {
			titled = ot.Organization.Code + "/" + ot.Title.Code
		}
	}
	if titled != "dev/mgr" {
		t.Errorf("titled department = %q, want dev/mgr", titled)
	}
	if got := s.Organizations("user000"); len(got) != 2 || got[0].OrgCode != "dev" {
		t.Errorf("simulator departments = %+v", got)
	}

	guests := []kintone.GuestInput{{Code: "guest@example.com", Password: "Guest-pass-1", Timezone: "Asia/Tokyo", Name: "Guest"}}
	if err := c.AddGuests(ctx, guests); err != nil {
		t.Fatalf("AddGuests: %v", err)
	}
	if got := s.Guests(); !slices.Equal(got, []string{"guest@example.com"}) {
		t.Errorf("guests = %v", got)
	}
	if u, _ := c.GetUsers(ctx, kintone.GetUsersOptions{Codes: []string{"guest@example.com"}}); len(u) != 0 {
		t.Errorf("Get Users returned a guest: %+v", u)
	}
	if err := c.DeleteGuests(ctx, []string{"guest@example.com"}); err != nil {
		t.Fatalf("DeleteGuests: %v", err)
	}
	if got := s.Guests(); len(got) != 0 {
		t.Errorf("guests after delete = %v", got)
	}
}

// TestSimPrimaryOrganizationForms reads users back with primaryOrganization
// sent as the samples' string and as the documented number (reference
// §3.2): the client must decode both to the same id, and sortOrder with it.
func TestSimPrimaryOrganizationForms(t *testing.T) {
	tests := []struct {
		name string
		opts []kintonetest.Option
	}{
		{"string", nil},
		{"number", []kintonetest.Option{kintonetest.WithNumericPrimaryOrganization()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			opts := append([]kintonetest.Option{kintonetest.WithDepartments(
				[]kintone.Organization{{Code: "sales", Name: "Sales"}, {Code: "dev", Name: "Development"}}, nil)}, tt.opts...)
			s, c := newSim(t, opts...)
			users := newUsers(0, 2)
			users[0].SortOrder = ptr(int64(7))
			if err := c.AddUsers(ctx, users); err != nil {
				t.Fatal(err)
			}
			err := c.UpdateUserOrganizations(ctx, []kintone.UserOrganizations{{
				Code: "user000", Organizations: []kintone.OrganizationAssignment{{OrgCode: "dev"}, {OrgCode: "sales"}},
			}})
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.GetUsers(ctx, kintone.GetUsersOptions{Codes: []string{"user000", "user001"}})
			if err != nil {
				t.Fatalf("GetUsers: %v", err)
			}
			dev, _ := s.User("user000")
			if len(got) != 2 || dev.PrimaryOrganization == "" ||
				got[0].PrimaryOrganization != dev.PrimaryOrganization || got[1].PrimaryOrganization != "" {
				t.Fatalf("primary departments = %+v, want %q and none", got, dev.PrimaryOrganization)
			}
			if got[0].SortOrder == nil || *got[0].SortOrder != 7 || got[1].SortOrder != nil {
				t.Errorf("sortOrder = %v, %v; want 7 and nil", got[0].SortOrder, got[1].SortOrder)
			}
		})
	}
}
