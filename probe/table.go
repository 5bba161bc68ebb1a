package probe

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"text/tabwriter"
)

// conclude writes the Notes: what each observation means for an import.
func (p *prober) conclude() {
	r := p.rep
	note := func(format string, a ...any) { r.Notes = append(r.Notes, fmt.Sprintf(format, a...)) }
	if !r.Login.OK {
		note("The login failed (%s): an import would stop at its pre-flight.", describe(r.Login))
	}
	if r.AuthErrors.Status == 520 {
		note("Authentication errors come as 520, the legacy status: they are recognised by their code (CB_AU01, CB_WA01), not their status.")
	}
	switch r.Rights.Verdict {
	case RightsNotAdmin:
		note("The account is not a cybozu.com administrator: an import would stop at its pre-flight.")
	case RightsTokenScope:
		note("The API token has the Read scope only: an import needs Read and Write.")
	case RightsUnknown:
		if r.Login.OK {
			note("The rights probe answered %s, neither a 400 nor a refusal: an import warns that the rights are unknown and goes on.", describe(r.Rights.Answer))
		}
	}
	if r.TokenScope == "read-write+" {
		note("With this API token, updating or deleting a member of the Administrators group needs the Dangerous Zone scope; the probe does not test it, since that would mean writing to an administrator.")
	}
	if r.GuestAPIs.Verdict == GuestsTokenRefused {
		note("The guest APIs refused the API token: a guest import needs a password login (KINTONE_USERNAME, KINTONE_PASSWORD).")
	}
	if r.Language.Account == langJapanese || r.Language.Anonymous == langJapanese {
		note("The server answers in Japanese when no language is asked for: messages in reports come in Japanese.")
	}
	if r.CustomItemsAllListed != nil && !*r.CustomItemsAllListed {
		note("Get Users lists only the custom items a user has set.")
	}
	if r.WriteTest != nil {
		p.concludeWrite(note)
	}
}

// concludeWrite adds the notes of the write test.
func (p *prober) concludeWrite(note func(string, ...any)) {
	wt := p.rep.WriteTest
	if wt.Skipped != "" {
		note("The write test did not run: %s.", wt.Skipped)
		return
	}
	switch {
	case wt.PartialCommit != nil && *wt.PartialCommit:
		note("A rejected Add Users batch created the valid users before the invalid one: an import must look its users up after every rejected batch before sending it again.")
	case wt.PartialCommit == nil:
		note("The write test could not tell whether a rejected Add Users batch is partly committed (batch: %s).", describe(wt.Batch))
	}
	if wt.ErrorKeyForm == KeysUnindexed || wt.ErrorKeyForm == KeysNone {
		note("Field errors do not name the item (keys %v): a rejected batch cannot be pinned to its rows without splitting it.", wt.ErrorKeys)
	}
	if wt.ExistsRecognised != nil && !*wt.ExistsRecognised {
		note("The \"already exists\" answer is worded in a way the client does not recognise (%s): please report it.", describe(*wt.Exists))
	}
	if wt.CustomItems == "replace" {
		note("Update Users replaces the whole custom item list: an update must send every custom item, not only the changed ones.")
	}
	if a := wt.UnknownUser; !a.OK && (a.Status != http.StatusBadRequest || a.HTML) {
		note("Update User Services for an unknown login name answered %s, not 400.", describe(a))
	}
	if !wt.Cleanup.OK {
		note("THE CLEAN-UP FAILED: delete these users by hand: %s.", strings.Join(wt.Cleanup.Remaining, ", "))
	}
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteTable writes the report as a two-column table for a person, then
// its notes.
func (r *Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "%s\t%s\n", k, v) }
	row("URL", r.URL)
	row("Credentials", r.Credentials+basicText(r.BasicAuth))
	row("Login", okOr(r.Login))
	row("Authentication errors", answerText(r.AuthErrors))
	row("Administrator rights", fmt.Sprintf("%s (%s)", r.Rights.Verdict, answerText(r.Rights.Answer)))
	if r.TokenScope != "" {
		row("Token scope", r.TokenScope)
	}
	row("Guest APIs", fmt.Sprintf("%s (%s)", r.GuestAPIs.Verdict, answerText(r.GuestAPIs.Answer)))
	row("Users", countText(r.Users))
	row("Custom items", customText(r))
	row("Services in use", servicesText(r.Services))
	row("Answer language", fmt.Sprintf("%s (before login: %s)", r.Language.Account, r.Language.Anonymous))
	t := r.ResponseTimes
	row("Response times", fmt.Sprintf("%d requests, median %.1f ms, max %.1f ms", t.Requests, t.MedianMs, t.MaxMs))
	r.writeTestRows(row)
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, n := range r.Notes {
		if _, err := fmt.Fprintf(w, "- %s\n", n); err != nil {
			return err
		}
	}
	return nil
}

// writeTestRows adds the write test's rows.
func (r *Report) writeTestRows(row func(k, v string)) {
	wt := r.WriteTest
	switch {
	case wt == nil:
		row("Write test", "not run (--write-test)")
		return
	case wt.Skipped != "":
		row("Write test", "skipped: "+wt.Skipped)
		return
	}
	row("Write test", fmt.Sprintf("users %s, %s; unknown login name %s", wt.Users[0], wt.Users[1], wt.Users[2]))
	row("  Rejected batch", answerText(wt.Batch))
	row("  Error key form", fmt.Sprintf("%s %v", wt.ErrorKeyForm, wt.ErrorKeys))
	row("  Partial commit", boolText(wt.PartialCommit, "yes: the valid user was created", "no: nothing was created"))
	if wt.Exists != nil {
		row("  Already exists", fmt.Sprintf("%s, recognised: %s", answerText(*wt.Exists), boolText(wt.ExistsRecognised, "yes", "no")))
	}
	if wt.CustomItems != "" {
		row("  Custom items update", wt.CustomItems)
	}
	row("  Unknown login name", answerText(wt.UnknownUser))
	c := wt.Cleanup
	if c.OK {
		row("  Clean-up", fmt.Sprintf("ok: deleted %d, none left", len(c.Deleted)))
	} else {
		row("  Clean-up", "FAILED: delete by hand: "+strings.Join(c.Remaining, ", "))
	}
}

func basicText(b bool) string {
	if b {
		return " and Basic authentication"
	}
	return ""
}

func okOr(a Answer) string {
	if a.OK {
		return "ok"
	}
	return "refused: " + answerText(a)
}

// answerText is an answer on one line: status, code, message.
func answerText(a Answer) string {
	switch {
	case a.OK:
		return "2xx"
	case a.Status == 0 && a.Error == "":
		return "not asked"
	case a.Status == 0:
		return "no answer: " + a.Error
	}
	parts := []string{fmt.Sprint(a.Status)}
	if a.Code != "" {
		parts = append(parts, a.Code)
	}
	if a.Message != "" {
		parts = append(parts, fmt.Sprintf("%q", a.Message))
	}
	if len(a.Errors) > 0 {
		// The first field error says what the item was refused for.
		k := slices.Min(slices.Collect(maps.Keys(a.Errors)))
		if ms := a.Errors[k]; len(ms) > 0 {
			parts = append(parts, fmt.Sprintf("%s: %q", k, ms[0]))
		}
	}
	return strings.Join(parts, " ")
}

func countText(n *int) string {
	if n == nil {
		return "unknown"
	}
	return fmt.Sprint(*n)
}

func customText(r *Report) string {
	if len(r.CustomItems) == 0 {
		return "none"
	}
	parts := make([]string, len(r.CustomItems))
	for i, c := range r.CustomItems {
		parts[i] = fmt.Sprintf("%s (%d set)", c.Code, c.Set)
	}
	s := strings.Join(parts, ", ")
	if r.CustomItemsAllListed != nil {
		s += "; every item listed for every user: " + boolText(r.CustomItemsAllListed, "yes", "no")
	}
	return s
}

func servicesText(m map[string]int) string {
	if m == nil {
		return "unknown"
	}
	if len(m) == 0 {
		return "none"
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

func boolText(b *bool, yes, no string) string {
	switch {
	case b == nil:
		return "unknown"
	case *b:
		return yes
	}
	return no
}
