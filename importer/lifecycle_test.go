package importer_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/userimport/userimport/importer"
	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/kintone/kintonetest"
	"github.com/userimport/userimport/lifecycle"
	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/validate"
)

func simUser(code string) kintone.UserInput {
	return kintone.UserInput{Code: code, Name: ptr("User " + code), Password: ptr(kintone.Secret("Old-Pw-1234"))}
}

// TestDeleteRows: a 削除/Delete = 1 row deletes its user only with
// AllowDelete (skipped otherwise, the user untouched); a dry run says
// would_delete; the Administrator is never deleted.
func TestDeleteRows(t *testing.T) {
	file := writeFile(t, "del.csv", "ログイン名,表示名,削除\nbob,Bob,1\nAdministrator,Admin,1\n")
	for _, tc := range []struct {
		name        string
		allow, dry  bool
		bob         report.Status
		bobExists   bool
		adminStatus report.Status
	}{
		{"no flag", false, false, report.Skipped, true, report.Skipped},
		{"dry run", true, true, lifecycle.WouldDelete, true, report.Invalid},
		{"allowed", true, false, lifecycle.Deleted, false, report.Invalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := kintonetest.NewServer(kintonetest.WithUsers(simUser("bob")))
			defer srv.Close()
			rep := &memReport{}
			opts := baseOptions(file, rep)
			opts.Mode, opts.DryRun = importer.Upsert, tc.dry
			opts.Lifecycle.AllowDelete = tc.allow
			if _, err := importer.Import(t.Context(), client(t, srv), opts); err != nil {
				t.Fatal(err)
			}
			if len(rep.rows) != 2 {
				t.Fatalf("%d report rows, want 2", len(rep.rows))
			}
			if r := rep.rows[0]; r.Status != tc.bob {
				t.Errorf("bob: %s (%s), want %s", r.Status, r.Message, tc.bob)
			}
			if r := rep.rows[0]; !tc.allow && !strings.Contains(r.Message+r.Warnings, "--allow-delete") {
				t.Errorf("skipped delete row does not name --allow-delete: %q %q", r.Message, r.Warnings)
			}
			if r := rep.rows[1]; r.Status != tc.adminStatus {
				t.Errorf("Administrator: %s (%s), want %s", r.Status, r.Message, tc.adminStatus)
			}
			if _, ok := srv.User("bob"); ok != tc.bobExists {
				t.Errorf("bob exists = %v, want %v", ok, tc.bobExists)
			}
			if _, ok := srv.User("Administrator"); !ok {
				t.Error("the Administrator was deleted")
			}
		})
	}
}

// TestRenameRows: a rename runs before the row's other changes, which
// then apply under the new name; a swap across the file is refused and
// renames nobody.
func TestRenameRows(t *testing.T) {
	srv := kintonetest.NewServer(kintonetest.WithUsers(simUser("ann"), simUser("bob"), simUser("cat"), simUser("dan")))
	defer srv.Close()
	file := writeFile(t, "ren.csv", "code,newCode,name\nann,anna,Anna Smith\nbob,cat,User bob\ncat,bob,User cat\ndan,daniel,User dan\n")
	rep := &memReport{}
	opts := baseOptions(file, rep)
	opts.Mode = importer.Upsert
	if _, err := importer.Import(t.Context(), client(t, srv), opts); err != nil {
		t.Fatal(err)
	}
	want := []report.Status{report.Updated, report.Invalid, report.Invalid, lifecycle.Renamed}
	for i, r := range rep.rows {
		if r.Status != want[i] {
			t.Errorf("row %d (%s): %s %s %s, want %s", r.Row, r.Code, r.Status, r.ErrorCode, r.Message, want[i])
		}
	}
	if r := rep.rows[1]; r.ErrorCode != lifecycle.CodeRenameChain {
		t.Errorf("swap row: error code %q, want %q", r.ErrorCode, lifecycle.CodeRenameChain)
	}
	if u, ok := srv.User("anna"); !ok || u.Name != "Anna Smith" {
		t.Errorf("anna = %+v, %v; want renamed and its name updated", u, ok)
	}
	for _, code := range []string{"bob", "cat", "daniel"} {
		if _, ok := srv.User(code); !ok {
			t.Errorf("%s missing", code)
		}
	}
	if u, _ := srv.User("bob"); u.Name != "User bob" {
		t.Errorf("the swap changed bob: %+v", u)
	}
}

// TestDeactivateThreshold: with 100 active users and a 5% limit, 6
// leavers refuse the run before anything is sent; 5 are deactivated, on
// lines without a row number.
func TestDeactivateThreshold(t *testing.T) {
	for _, leavers := range []int{6, 5} {
		t.Run(fmt.Sprint(leavers), func(t *testing.T) {
			var users []kintone.UserInput
			var b strings.Builder
			b.WriteString("code,name,password\nnewbie,New Person,New-Pw-12345\n")
			for i := range 99 { // with the Administrator, 100 users
				code := fmt.Sprintf("u%02d", i)
				users = append(users, simUser(code))
				if i >= leavers {
					fmt.Fprintf(&b, "%s,User %s,Old-Pw-1234\n", code, code)
				}
			}
			srv := kintonetest.NewServer(kintonetest.WithUsers(users...))
			defer srv.Close()
			file := writeFile(t, "all.csv", b.String())
			rep := &memReport{}
			opts := baseOptions(file, rep)
			opts.Mode = importer.SkipExisting
			opts.Lifecycle.DeactivateMissing = true
			opts.Lifecycle.MaxDeactivate, _ = lifecycle.ParseLimit("5%")
			sum, err := importer.Import(t.Context(), client(t, srv), opts)
			inactive := 0
			for _, u := range srv.Users() {
				if !u.Valid {
					inactive++
				}
			}
			_, created := srv.User("newbie")
			if leavers == 6 {
				var over *lifecycle.OverLimitError
				if !errors.As(err, &over) || over.Count != 6 || !strings.Contains(err.Error(), "6 users") {
					t.Fatalf("err = %v, want the over-limit error naming 6 users", err)
				}
				if sum != nil || inactive != 0 || created || len(rep.rows) != 0 {
					t.Errorf("a refused run touched something: %d inactive, newbie created %v, %d lines", inactive, created, len(rep.rows))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if inactive != 5 || !created {
				t.Errorf("%d inactive, newbie created %v; want 5 and true", inactive, created)
			}
			var deac []string
			for _, r := range rep.rows {
				if r.Status == lifecycle.Deactivated {
					if r.Row != 0 {
						t.Errorf("leaver %s on row %d, want no row", r.Code, r.Row)
					}
					deac = append(deac, r.Code)
				}
			}
			if !slices.Equal(deac, []string{"u00", "u01", "u02", "u03", "u04"}) {
				t.Errorf("deactivated lines %v", deac)
			}
		})
	}
}

// TestGuestSpace: the file's guests land in the guest space; without
// ReplaceSpaceGuests the run is refused before anything is sent.
func TestGuestSpace(t *testing.T) {
	srv := kintonetest.NewServer(kintonetest.WithGuestSpace(7))
	defer srv.Close()
	file := writeFile(t, "guests.csv", "code,name,password,timezone\ng1@example.com,G1,Guest-pw-1,Asia/Tokyo\ng2@example.com,G2,Guest-pw-2,Asia/Tokyo\n")
	rep := &memReport{}
	opts := baseOptions(file, rep)
	opts.Kind = validate.Guests
	opts.Lifecycle.GuestSpace = 7
	if _, err := importer.Import(t.Context(), client(t, srv), opts); !errors.Is(err, lifecycle.ErrReplaceRequired) {
		t.Fatalf("without --replace-space-guests: %v", err)
	}
	if len(srv.Guests()) != 0 {
		t.Fatal("a refused run added guests")
	}
	opts.Lifecycle.ReplaceSpaceGuests = true
	sum, err := importer.Import(t.Context(), client(t, srv), opts)
	if err != nil {
		t.Fatal(err)
	}
	if got := srv.SpaceGuests(7); !slices.Equal(sorted(got), []string{"g1@example.com", "g2@example.com"}) {
		t.Errorf("space guests %v", got)
	}
	for _, r := range rep.rows {
		if r.Status != report.Created || !strings.Contains(r.Message, "guest space: assigned") {
			t.Errorf("%s: %s %q", r.Code, r.Status, r.Message)
		}
	}
	if !strings.Contains(sum.Lifecycle.Space, "exactly") {
		t.Errorf("summary does not say the guests are replaced: %q", sum.Lifecycle.Space)
	}
}
