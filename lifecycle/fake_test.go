package lifecycle

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/userimport/userimport/kintone"
)

// The simulator on this branch has neither Update User Codes nor Update
// Guest Members, and the client has no method for them. Until both land,
// these tests run Rename and SetSpaceGuests against fakeDomain, a small
// handler that serves Get Users and those two endpoints with the
// documented shapes, and fakeAPI, which sends them. They are to be
// re-pointed at kintonetest and *kintone.Client then.

// fault is what fakeDomain does to one write instead of answering.
type fault string

const (
	noFault   fault = ""
	faultDrop fault = "drop" // apply, then close the connection
	fault500  fault = "500"  // apply nothing, answer 500
	fault503  fault = "503"  // apply nothing, answer 503
)

type fakeDomain struct {
	mu     sync.Mutex
	ids    map[string]string // login name → id
	nextID int
	guests map[string]bool    // guest accounts
	spaces map[int64][]string // guest space → its guests
	faults map[string][]fault // endpoint → the faults of its next requests
	writes map[string]int     // endpoint → requests received
	// before runs at each write request, before it is handled.
	before func(endpoint string, n int)
}

func newFakeDomain(t *testing.T, users ...string) (*fakeDomain, *fakeAPI) {
	d := &fakeDomain{ids: map[string]string{}, guests: map[string]bool{}, spaces: map[int64][]string{},
		faults: map[string][]fault{}, writes: map[string]int{}}
	for _, u := range append([]string{"Administrator"}, users...) {
		d.add(u)
	}
	srv := httptest.NewServer(d)
	t.Cleanup(srv.Close)
	c, err := kintone.NewClient(srv.URL, kintone.WithPassword("Administrator", "pw"))
	if err != nil {
		t.Fatal(err)
	}
	return d, &fakeAPI{Client: c, base: srv.URL, hc: srv.Client()}
}

func (d *fakeDomain) add(code string) {
	d.nextID++
	d.ids[code] = strconv.Itoa(1000 + d.nextID)
}

func (d *fakeDomain) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet && r.URL.Path == "/v1/users.json" {
		d.getUsers(w, r)
		return
	}
	ep := r.Method + " " + r.URL.Path
	d.mu.Lock()
	d.writes[ep]++
	n := d.writes[ep]
	var f fault
	if q := d.faults[ep]; len(q) > 0 {
		f, d.faults[ep] = q[0], q[1:]
	}
	d.mu.Unlock()
	if d.before != nil {
		d.before(ep, n)
	}
	switch f {
	case fault500:
		writeErr(w, 500, "GAIA_UN01", nil)
		return
	case fault503:
		w.WriteHeader(503)
		return
	}
	var errs map[string]any
	switch {
	case r.Method == http.MethodPut && r.URL.Path == "/v1/users/codes.json":
		errs = d.updateCodes(r)
	case r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "/v1/space/guests.json"):
		errs = d.updateSpaceGuests(r)
	default:
		writeErr(w, 404, "CB_NF01", nil)
		return
	}
	if errs != nil {
		writeErr(w, 400, "CB_VA01", errs)
		return
	}
	if f == faultDrop {
		conn, _, _ := http.NewResponseController(w).Hijack()
		conn.Close()
		return
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprint(w, "{}")
}

func writeErr(w http.ResponseWriter, status int, code string, errs map[string]any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"code": code, "id": "x", "message": "refused", "errors": errs})
}

func (d *fakeDomain) getUsers(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var users []map[string]any
	for k, v := range r.URL.Query() {
		if !strings.HasPrefix(k, "codes[") {
			continue
		}
		if id, ok := d.ids[v[0]]; ok {
			users = append(users, map[string]any{"id": id, "code": v[0], "valid": true})
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"users": users})
}

// updateCodes is Update User Codes: every current code must exist and
// every new one be free; all or nothing.
func (d *fakeDomain) updateCodes(r *http.Request) map[string]any {
	var body struct {
		Codes []struct{ CurrentCode, NewCode string } `json:"codes"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || len(body.Codes) == 0 || len(body.Codes) > 100 {
		return map[string]any{"codes": map[string]any{"messages": []string{"invalid"}}}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	errs := map[string]any{}
	taken := map[string]bool{}
	for i, c := range body.Codes {
		if _, ok := d.ids[c.CurrentCode]; !ok {
			errs[fmt.Sprintf("codes[%d].currentCode", i)] = map[string]any{"messages": []string{"The specified user (code: " + c.CurrentCode + ") not found."}}
		}
		if _, ok := d.ids[c.NewCode]; ok || taken[c.NewCode] {
			errs[fmt.Sprintf("codes[%d].newCode", i)] = map[string]any{"messages": []string{"already exists"}}
		}
		taken[c.NewCode] = true
	}
	if len(errs) > 0 {
		return errs
	}
	for _, c := range body.Codes {
		d.ids[c.NewCode] = d.ids[c.CurrentCode]
		delete(d.ids, c.CurrentCode)
	}
	return nil
}

// updateSpaceGuests is Update Guest Members: it sets the space's guests;
// every one must be a guest account.
func (d *fakeDomain) updateSpaceGuests(r *http.Request) map[string]any {
	id, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/k/guest/"), "/v1/space/guests.json"), 10, 64)
	var body struct {
		ID     json.Number `json:"id"`
		Guests []string    `json:"guests"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.ID.String() != strconv.FormatInt(id, 10) {
		return map[string]any{"id": map[string]any{"messages": []string{"invalid"}}}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	errs := map[string]any{}
	for i, g := range body.Guests {
		if !d.guests[g] {
			errs[fmt.Sprintf("guests[%d]", i)] = map[string]any{"messages": []string{g + " is not a guest user"}}
		}
	}
	if len(errs) > 0 {
		return errs
	}
	d.spaces[id] = slices.Clone(body.Guests)
	return nil
}

func (d *fakeDomain) code(id string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	for c, i := range d.ids {
		if i == id {
			return c
		}
	}
	return ""
}

func (d *fakeDomain) count(ep string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.writes[ep]
}

// fakeAPI is the client with the two calls it does not have yet.
type fakeAPI struct {
	*kintone.Client
	base string
	hc   *http.Client
}

func (a *fakeAPI) UpdateUserCodes(ctx context.Context, changes []CodeChange) error {
	type cc struct {
		CurrentCode string `json:"currentCode"`
		NewCode     string `json:"newCode"`
	}
	body := struct {
		Codes []cc `json:"codes"`
	}{}
	for _, c := range changes {
		body.Codes = append(body.Codes, cc{c.Current, c.New})
	}
	return a.put(ctx, "/v1/users/codes.json", body)
}

func (a *fakeAPI) UpdateGuestSpaceMembers(ctx context.Context, spaceID int64, guests []string) error {
	return a.put(ctx, fmt.Sprintf("/k/guest/%d/v1/space/guests.json", spaceID), struct {
		ID     int64    `json:"id"`
		Guests []string `json:"guests"`
	}{spaceID, guests})
}

// put sends a write and reads its answer as the client would: a failure
// to get an answer is an unknown outcome, an error body an APIError.
func (a *fakeAPI) put(ctx context.Context, path string, body any) error {
	data, _ := json.Marshal(body)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPut, a.base+path, bytes.NewReader(data))
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.hc.Do(req)
	if err != nil {
		return &kintone.OutcomeUnknownError{Err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 == 2 {
		return nil
	}
	var e struct {
		Code   string                                 `json:"code"`
		Errors map[string]struct{ Messages []string } `json:"errors"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&e)
	ae := &kintone.APIError{Status: resp.StatusCode, Code: e.Code, Method: http.MethodPut, Path: path}
	for k, v := range e.Errors {
		fe := kintone.FieldError{Key: k, Index: -1, Field: k, Messages: v.Messages}
		if open, close := strings.IndexByte(k, '['), strings.IndexByte(k, ']'); open >= 0 && close > open {
			fe.Index, _ = strconv.Atoi(k[open+1 : close])
			fe.Field = strings.TrimPrefix(k[close+1:], ".")
		}
		ae.Errors = append(ae.Errors, fe)
	}
	return ae
}
