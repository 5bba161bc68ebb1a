package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/userimport/userimport/importer"
	"github.com/userimport/userimport/lifecycle"
	"github.com/userimport/userimport/password"
	"github.com/userimport/userimport/report"
)

// lifeFlags are the flags of import for the rest of HR's year: generated
// passwords, deletions, leavers and guest spaces. Renames need no flag:
// the file's 新ログイン名/New Login Name (newCode) column asks for them.
type lifeFlags struct {
	generatePasswords  bool
	allowDelete        bool
	deactivateMissing  bool
	maxDeactivate      lifecycle.Limit
	guestSpace         int64
	replaceSpaceGuests bool
}

func (f *lifeFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.BoolVar(&f.generatePasswords, "generate-passwords", false, "give new users whose row has no password a generated one, written only to REPORT.passwords.csv (mode 0600)")
	fl.BoolVar(&f.allowDelete, "allow-delete", false, "delete the users of rows marked 削除/Delete = 1 (without it such rows are skipped)")
	fl.BoolVar(&f.deactivateMissing, "deactivate-missing", false, "the file lists every active user: deactivate the active users no row matches (--match-on)")
	fl.Var(&f.maxDeactivate, "max-deactivate", "refuse --deactivate-missing (exit 2, nothing changed) when more users would be deactivated: a count or a share such as 5%")
	fl.Int64Var(&f.guestSpace, "guest-space", 0, "put the imported guests into this guest space (its guests become exactly the file's; needs --replace-space-guests)")
	fl.BoolVar(&f.replaceSpaceGuests, "replace-space-guests", false, "confirm that --guest-space replaces the space's guests with the file's")
}

// apply puts the flags into the importer's options; reportPath is where
// the report goes, next to which the passwords file and journal are kept.
func (f *lifeFlags) apply(o *importer.Options, reportPath string) error {
	l := &o.Lifecycle
	l.GeneratePasswords, l.AllowDelete = f.generatePasswords, f.allowDelete
	l.DeactivateMissing, l.MaxDeactivate = f.deactivateMissing, f.maxDeactivate
	l.GuestSpace, l.ReplaceSpaceGuests = f.guestSpace, f.replaceSpaceGuests
	l.Self = os.Getenv("KINTONE_USERNAME")
	if os.Getenv("KINTONE_API_TOKEN") != "" {
		l.Self = "" // a token has no login name
	}
	if reportPath != report.Stdout {
		l.Journal = importer.JournalPath(reportPath)
		if f.generatePasswords {
			l.Passwords = password.PathFor(reportPath)
			l.PasswordsXLSX = strings.EqualFold(strings.TrimPrefix(fileExt(reportPath), "."), "xlsx")
		}
	}
	if err := o.Prepare(); err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	return nil
}

func fileExt(p string) string {
	if i := strings.LastIndexByte(p, '.'); i >= 0 {
		return p[i:]
	}
	return ""
}

// printLifecycle tells where the generated passwords are and what the
// guest space step did.
func printLifecycle(s *streams, sum *importer.Summary) {
	l := sum.Lifecycle
	if l.Passwords != "" {
		fmt.Fprintf(s.err, "passwords: %d generated passwords are in %s (readable by you only); hand them out to the users, then delete the file\n", l.Generated, l.Passwords)
	}
	if l.Space != "" {
		fmt.Fprintf(s.err, "%s\n", l.Space)
	}
}
