package kintone_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/kintone/kintonetest"
	"github.com/userimport/userimport/pacer"
)

// countingGetter counts the Get Users requests a walk sends.
func countingGetter(g kintone.UserGetter, n *int) kintone.UserGetter {
	return kintone.GetUsersFunc(func(ctx context.Context, opt kintone.GetUsersOptions) ([]kintone.User, error) {
		*n++
		return g.GetUsers(ctx, opt)
	})
}

func TestUserPagesSim(t *testing.T) {
	s, c := newSim(t)
	for batch := range slices.Chunk(newUsers(0, 250), kintone.MaxPerRequest) {
		if err := c.AddUsers(t.Context(), batch); err != nil {
			t.Fatal(err)
		}
	}
	var reqs int
	var offsets, sizes []int
	got := map[string]int{}
	for page, err := range kintone.UserPages(t.Context(), countingGetter(c, &reqs)) {
		if err != nil {
			t.Fatal(err)
		}
		offsets = append(offsets, page.Offset)
		sizes = append(sizes, len(page.Users))
		for _, u := range page.Users {
			got[u.Code]++
		}
	}
	// 250 users and the Administrator.
	if !slices.Equal(offsets, []int{0, 100, 200}) || !slices.Equal(sizes, []int{100, 100, 51}) || reqs != 3 {
		t.Errorf("pages at %v of sizes %v in %d requests, want [0 100 200], [100 100 51], 3", offsets, sizes, reqs)
	}
	want := map[string]int{}
	for _, u := range s.Users() {
		want[u.Code] = 1
	}
	if !maps.Equal(got, want) {
		t.Errorf("listed %d users, the simulator holds %d (every one exactly once expected)", len(got), len(want))
	}

	// Breaking out is the stop: no further request.
	reqs = 0
	for range kintone.UserPages(t.Context(), countingGetter(c, &reqs)) {
		break
	}
	if reqs != 1 {
		t.Errorf("a break after the first page sent %d requests, want 1", reqs)
	}
}

// TestUserPagesPaced walks the simulator through a pacer, with every
// first try of a page refused (the simulator injects faults into writes
// only): the way import and export list users, every page paced and
// retried, and every user listed once.
func TestUserPagesPaced(t *testing.T) {
	s, c := newSim(t, kintonetest.WithUsers(newUsers(0, 320)...))
	p, err := pacer.New(pacer.Options{
		MaxAttempts: 20,
		Sleep:       func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
	})
	if err != nil {
		t.Fatal(err)
	}
	paced := kintone.GetUsersFunc(func(ctx context.Context, opt kintone.GetUsersOptions) (users []kintone.User, err error) {
		tries := 0
		err = p.Call(ctx, func(ctx context.Context) error {
			if tries++; tries == 1 {
				return &kintone.APIError{Status: http.StatusServiceUnavailable}
			}
			users, err = c.GetUsers(ctx, opt)
			return err
		})
		return users, err
	})
	n := 0
	for page, err := range kintone.UserPages(t.Context(), paced) {
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Users)
	}
	if want := len(s.Users()); n != want {
		t.Errorf("listed %d users, want %d", n, want)
	}
	if p.Requests() != 8 || p.Retries() != 4 {
		t.Errorf("requests %d, retries %d; want 8 and 4 (4 pages, each tried twice)", p.Requests(), p.Retries())
	}
}

// fakeUsers returns users with ids from..from+n-1.
func fakeUsers(from, n int) []kintone.User {
	us := make([]kintone.User, n)
	for i := range us {
		us[i] = kintone.User{ID: fmt.Sprint(from + i), Code: fmt.Sprintf("u%d", from+i)}
	}
	return us
}

func TestUserPagesEdges(t *testing.T) {
	errDown := errors.New("down")
	tests := []struct {
		name     string
		pages    map[int][]kintone.User // by offset
		failAt   int                    // offset that fails with errDown; -1 none
		want     []int                  // sizes of the pages yielded
		wantErr  error
		errAt    int
		wantReqs int
	}{
		{"empty domain", map[int][]kintone.User{}, -1, nil, nil, 0, 1},
		// A user deleted before the walk reached offset 100 shifts the
		// second page: the page holds 10 users already yielded.
		{"shifted page", map[int][]kintone.User{0: fakeUsers(0, 100), 100: fakeUsers(90, 100), 200: fakeUsers(190, 5)}, -1,
			[]int{100, 90, 5}, nil, 0, 3},
		{"error on the second page", map[int][]kintone.User{0: fakeUsers(0, 100)}, 100, []int{100}, errDown, 100, 2},
		{"server ignores the offset", map[int][]kintone.User{0: fakeUsers(0, 100), 100: fakeUsers(0, 100)}, -1,
			[]int{100}, kintone.ErrPagingStuck, 100, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reqs := 0
			g := kintone.GetUsersFunc(func(_ context.Context, opt kintone.GetUsersOptions) ([]kintone.User, error) {
				reqs++
				if opt.Size != kintone.MaxPerRequest || len(opt.IDs)+len(opt.Codes) > 0 {
					t.Errorf("asked for %+v", opt)
				}
				if opt.Offset == tt.failAt {
					return nil, errDown
				}
				return tt.pages[opt.Offset], nil
			})
			var sizes []int
			var gotErr error
			errs := 0
			for page, err := range kintone.UserPages(t.Context(), g) {
				if err != nil {
					gotErr = err
					errs++
					if page.Offset != tt.errAt {
						t.Errorf("error at offset %d, want %d", page.Offset, tt.errAt)
					}
					continue
				}
				sizes = append(sizes, len(page.Users))
			}
			if !slices.Equal(sizes, tt.want) || reqs != tt.wantReqs {
				t.Errorf("pages %v in %d requests, want %v in %d", sizes, reqs, tt.want, tt.wantReqs)
			}
			if !errors.Is(gotErr, tt.wantErr) || errs > 1 || (tt.wantErr == nil) != (gotErr == nil) {
				t.Errorf("errors: %d, last %v; want one %v", errs, gotErr, tt.wantErr)
			}
		})
	}
}

func TestUserPagesCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	reqs := 0
	g := countingGetter(kintone.GetUsersFunc(func(context.Context, kintone.GetUsersOptions) ([]kintone.User, error) {
		return fakeUsers(0, 1), nil
	}), &reqs)
	for _, err := range kintone.UserPages(ctx, g) {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
	}
	if reqs != 0 {
		t.Errorf("a cancelled walk sent %d requests", reqs)
	}
}
