package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/userimport/userimport/kintone/kintonetest"
)

// The browser tests drive Debian's chromium through the whole flow. With
// CI=true they fail when no browser starts; elsewhere they skip with a
// message. UPDATE_SCREENSHOTS=1 saves a screenshot of each step to
// testdata/screenshots.

func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

func noBrowser(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("browser tests must run in CI, but %s (apt-get install -y chromium)", why)
	}
	t.Skipf("skipping the browser tests: %s (apt-get install -y chromium to run them)", why)
}

// hookSwitch lets one simulator block Add Users requests only while a
// test wants it.
type hookSwitch struct {
	mu  sync.Mutex
	cur *blockingSim
}

func (h *hookSwitch) option() kintonetest.Option {
	return kintonetest.WithRequestHook(func(r *http.Request) {
		h.mu.Lock()
		b := h.cur
		h.mu.Unlock()
		if b != nil && r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/users.json") {
			b.once.Do(func() { close(b.arrived) })
			<-b.release
		}
	})
}

func (h *hookSwitch) block() *blockingSim {
	b := newBlockingSim()
	h.mu.Lock()
	h.cur = b
	h.mu.Unlock()
	return b
}

func (h *hookSwitch) unblock(b *blockingSim) {
	h.mu.Lock()
	h.cur = nil
	h.mu.Unlock()
	close(b.release)
}

type browserEnv struct {
	t    *testing.T
	ctx  context.Context
	base string
	sim  *kintonetest.Server
	hook *hookSwitch
}

func TestBrowser(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	path := chromiumPath()
	if path == "" {
		noBrowser(t, "no chromium on PATH")
	}
	hook := &hookSwitch{}
	sim := kintonetest.NewServer(hook.option())
	t.Cleanup(sim.Close)
	s, err := New(Config{DataDir: t.TempDir(), Sim: true, Credentials: Credentials{BaseURL: sim.URL, Username: sim.AdminUser, Password: sim.AdminPassword}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(func() { s.Close(); ts.Close() })

	opts := append(chromedp.DefaultExecAllocatorOptions[:0:0],
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.WindowSize(1280, 900),
		chromedp.UserDataDir(t.TempDir()))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	if err := chromedp.Do(bctx); err != nil {
		noBrowser(t, "chromium did not start: "+err.Error())
	}
	ctx, cancel := context.WithTimeout(bctx, 2*time.Minute)
	defer cancel()
	env := &browserEnv{t: t, ctx: ctx, base: ts.URL, sim: sim, hook: hook}
	env.run(chromedp.Navigate(ts.URL + "/?token=" + s.Token()))
	t.Run("whole flow", env.wholeFlow)
	t.Run("cancel and resume", env.cancelResume)
	t.Run("reload reconnects", env.reloadReconnects)
}

func (e *browserEnv) run(actions ...chromedp.Action[chromedp.Void]) {
	e.t.Helper()
	if err := chromedp.Do(e.ctx, actions...); err != nil {
		loc, _ := chromedp.Run(e.ctx, chromedp.Location())
		e.t.Fatalf("browser at %s: %v", loc, err)
	}
}

// get runs one action that returns a value.
func get[T any](e *browserEnv, a chromedp.Action[T]) T {
	e.t.Helper()
	v, err := chromedp.Run(e.ctx, a)
	if err != nil {
		loc, _ := chromedp.Run(e.ctx, chromedp.Location())
		e.t.Fatalf("browser at %s: %v", loc, err)
	}
	return v
}

// waitPage waits for an element of the page and for the page's script to
// have set up its handlers (it marks the body when it has).
func waitPage(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.WaitVisible(chromedp.CSS("body[data-ready]")))
}

// submit clicks a control that submits a form and waits for the page the
// server answers with.
func (e *browserEnv) submit(sel string) {
	e.t.Helper()
	if _, err := chromedp.RunResponse(e.ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		e.t.Fatalf("submitting %s: %v", sel, err)
	}
}

// shot saves a screenshot of the page when UPDATE_SCREENSHOTS is set.
func (e *browserEnv) shot(name string) {
	e.t.Helper()
	if os.Getenv("UPDATE_SCREENSHOTS") == "" {
		return
	}
	png := get(e, chromedp.FullScreenshot(100))
	dir := filepath.Join("testdata", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		e.t.Fatal(err)
	}
}

func (e *browserEnv) text(sel string) string {
	e.t.Helper()
	return strings.TrimSpace(get(e, chromedp.Text(chromedp.CSS(sel))))
}

func (e *browserEnv) count(sel string) int {
	e.t.Helper()
	return get(e, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)))
}

// uploadFile goes from the home page through Upload and Columns to the
// Check step.
func (e *browserEnv) uploadFile(path string, shots bool) {
	e.run(chromedp.Navigate(e.base+"/"), waitPage("#drop"))
	if shots {
		e.shot("01-upload")
	}
	e.run(chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{path}),
		chromedp.Click(chromedp.CSS(`form.upload button[type=submit]`)),
		waitPage("table.preview"))
	if shots {
		e.shot("02-sheet-and-header")
	}
	e.run(chromedp.Click(chromedp.CSS(`form.settings button.primary`)),
		waitPage("table.columns"))
	if shots {
		e.shot("03-columns")
	}
	e.run(chromedp.Click(chromedp.CSS(`table.columns ~ .buttons button.primary`)),
		waitPage("#grid"))
}

// finishRun waits until the page shows the run finished: rendered so by
// the server, or updated by the script on the server's done event.
func (e *browserEnv) finishRun() {
	e.run(waitPage(`#progress:not([data-live="1"])`))
}

func (e *browserEnv) wholeFlow(t *testing.T) {
	e.t = t
	xlsx, err := filepath.Abs(filepath.Join("testdata", "staff-with-errors.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	e.uploadFile(xlsx, true)
	if errs := e.count("#grid td.sev-error"); errs != 3 {
		t.Errorf("%d cells marked as errors, want 3 (a slash, an empty name, a duplicate)", errs)
	}
	if got := e.text(`#grid tr[data-row="3"] td[data-col="1"] .v`); got != "<img src=x onerror=alert(1)>" {
		t.Errorf("the XSS cell reads %q", got)
	}
	if n := e.count("#grid img"); n != 0 {
		t.Errorf("%d img elements in the grid: a cell became markup", n)
	}
	html := get(e, chromedp.OuterHTML(chromedp.CSS("html")))
	if strings.Contains(html, "Welcome-2025") {
		t.Error("a password reached the page")
	}
	e.shot("04-check")
	// The same page in Japanese, by the switch on the page.
	e.run(chromedp.Click(chromedp.CSS(`nav.lang a[lang="ja"]`)), waitPage(`html[lang="ja"] #grid`))
	if got := e.text("main h1"); got != "チェック" {
		t.Errorf("the Japanese page is titled %q", got)
	}
	e.shot("04-check-ja")
	e.run(chromedp.Click(chromedp.CSS(`nav.lang a[lang="en"]`)), waitPage(`html[lang="en"] #grid`))

	// Fix the bad login name in place: the row turns valid.
	bad := `#grid tr[data-row="1"]`
	if e.count(bad+".sev-error") != 1 {
		t.Fatal("row 4 (sales/bob) is not marked as an error")
	}
	e.run(chromedp.Click(chromedp.CSS(bad+` td[data-col="0"] button.cell`)),
		waitPage("input.editor"),
		chromedp.SetValue(chromedp.CSS("input.editor"), "bob.brown"),
		chromedp.SendKeys(chromedp.CSS("input.editor"), kb.Enter),
		waitPage(bad+`:not(.sev-error)`))
	if got := e.text(bad + ` td[data-col="0"] .v`); got != "bob.brown" {
		t.Errorf("the fixed cell reads %q", got)
	}
	// The keyboard alone: focus the duplicate login name, Enter opens the
	// editor with the value selected, typing replaces it, Enter saves.
	dup := `#grid tr[data-row="4"]`
	e.run(chromedp.Focus(chromedp.CSS(dup+` td[data-col="0"] button.cell`)),
		chromedp.KeyEvent(kb.Enter), waitPage("input.editor"),
		chromedp.KeyEvent("aiko.sato2"), chromedp.KeyEvent(kb.Enter),
		waitPage(dup+`:not(.sev-error)`))
	if got := e.text(dup + ` td[data-col="0"] .v`); got != "aiko.sato2" {
		t.Errorf("the cell edited with the keyboard reads %q", got)
	}
	if got := get(e, chromedp.Evaluate[string](`document.activeElement.closest('td') ? document.activeElement.closest('td').dataset.col + '/' + document.activeElement.closest('tr').dataset.row : ''`)); got != "0/4" {
		t.Errorf("focus after saving is on %q, want the edited cell 0/4", got)
	}
	e.shot("05-cell-fixed")

	e.run(chromedp.Click(chromedp.CSS(`.buttons.next a`)), waitPage("#start-plan"))
	e.submit("#start-plan")
	e.finishRun()
	e.run(waitPage("#results"))
	if n := e.count(`#results tr.st-would_create`); n < 4 {
		t.Errorf("the plan lists %d rows to create", n)
	}
	e.shot("06-plan")

	e.run(chromedp.Click(chromedp.CSS(`.buttons.next a`)), waitPage("#validOnly"),
		chromedp.Click(chromedp.CSS("#validOnly")))
	e.submit("#start-import")
	e.finishRun()
	if got := e.text("#pct"); got != "100" {
		t.Errorf("progress ends at %s%%", got)
	}
	e.shot("07-import")
	e.run(chromedp.Click(chromedp.CSS("#to-results")), waitPage("#results"))
	e.shot("08-results")

	report := get(e, chromedp.Evaluate[string](`fetch(document.getElementById('dl-csv').href).then(r => r.text())`, chromedp.EvalAwaitPromise))
	lines := strings.Split(strings.TrimSpace(report), "\n")
	if len(lines) != 9 || !strings.HasPrefix(lines[0], "row,code,status") || !strings.Contains(report, "aiko.sato2,created") {
		t.Fatalf("report:\n%s", report)
	}
	for _, want := range []string{"aiko.sato,created", "bob.brown,created", "daisuke.kato,created", "goro.mori,created"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, code := range []string{"aiko.sato", "aiko.sato2", "bob.brown", "daisuke.kato", "fumio.abe", "goro.mori"} {
		if _, ok := e.sim.User(code); !ok {
			t.Errorf("%s is not in the simulator", code)
		}
	}
	if u, ok := e.sim.User("daisuke.kato"); !ok || u.Name != "<img src=x onerror=alert(1)>" {
		t.Errorf("daisuke.kato's name arrived as %q", u.Name)
	}
	if _, ok := e.sim.User("chika.ito"); ok {
		t.Error("chika.ito (no display name) was created")
	}
}

// writeUsers writes a CSV of n users for the long-running tests.
func writeUsers(t *testing.T, n int, prefix string) string {
	path := filepath.Join(t.TempDir(), prefix+".csv")
	data := []byte(usersHeader)
	for i := range n {
		data = fmt.Appendf(data, "%s%04d,User %d,%s%04d@example.com,Pass-word-%d,true,en,Asia/Tokyo\n", prefix, i, i, prefix, i, i)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func (e *browserEnv) startImport() {
	e.run(chromedp.Click(chromedp.CSS(`.buttons.next a`)), waitPage("#start-plan"),
		chromedp.Click(chromedp.CSS(`.buttons.next a`)), waitPage("#start-import"))
	e.submit("#start-import")
}

func (e *browserEnv) cancelResume(t *testing.T) {
	e.t = t
	const n = 1500
	e.uploadFile(writeUsers(t, n, "cancel"), false)
	b := e.hook.block()
	e.startImport()
	<-b.arrived
	e.run(waitPage(`#progress[data-live="1"] ~ form #cancel`))
	e.shot("09-importing")
	e.submit("#cancel")
	e.hook.unblock(b)
	e.finishRun()
	e.run(chromedp.Navigate(e.base+"/jobs/"+e.jobID()+"/results"), waitPage("#resume"))
	if e.count(`#counts li.st-not_attempted`) != 1 {
		t.Error("the cancelled import shows no rows not attempted")
	}
	e.shot("10-cancelled")
	e.submit("#resume")
	e.finishRun()
	if got := e.text("#pct"); got != "100" {
		t.Errorf("the resume ends at %s%%", got)
	}
	if e.count(`#counts li.st-not_attempted, #counts li.st-failed`) != 0 {
		t.Error("rows did not end well after the resume")
	}
	for i := range n {
		if _, ok := e.sim.User(fmt.Sprintf("cancel%04d", i)); !ok {
			t.Fatalf("cancel%04d is missing after the resume", i)
		}
	}
	if d := e.sim.Requests().DuplicateAdds; d != 0 {
		t.Errorf("%d users were sent twice", d)
	}
}

func (e *browserEnv) jobID() string {
	return get(e, chromedp.AttributeValue(chromedp.CSS("body"), "data-job")).Value
}

func (e *browserEnv) reloadReconnects(t *testing.T) {
	e.t = t
	e.uploadFile(writeUsers(t, 300, "reload"), false)
	b := e.hook.block()
	e.startImport()
	<-b.arrived
	if _, err := chromedp.RunResponse(e.ctx, chromedp.Reload()); err != nil {
		t.Fatalf("reload: %v", err)
	}
	e.run(waitPage(`#progress[data-live="1"]`))
	if got := e.text("#runstate"); got != "Running…" {
		t.Errorf("after the reload the page says %q", got)
	}
	e.shot("11-reconnected")
	// The page learns of the end from the event stream it reconnected to.
	e.hook.unblock(b)
	e.finishRun()
	if got := e.text("#pct"); got != "100" {
		t.Errorf("progress ends at %s%%", got)
	}
	if _, ok := e.sim.User("reload0299"); !ok {
		t.Error("the last user is missing")
	}
}
