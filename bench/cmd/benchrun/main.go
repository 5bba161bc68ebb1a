// Command benchrun measures userimport against its performance targets and
// prints one table, every figure measured in the same run:
//
//   - `userimport validate` on a 1,000,000-row CSV ÷ a bare encoding/csv
//     read of the same file (target ≤ 2.0);
//   - `userimport validate` on a 100,000-row XLSX ÷ a bare excelize Rows()
//     pass with default options (target ≤ 1.0);
//   - peak RSS growth per row of `userimport validate` between 100k and 1M
//     CSV rows (target ≤ 200 bytes/row);
//   - a 10,000-user import into the simulator with 50 ms latency and
//     concurrency 8: elapsed ÷ lower bound (target ≤ 1.15), requests ÷
//     minimum (target 1.0), and the importer's CPU time per 1,000 users.
//
// Validate and the bare baselines all run as child processes (the bare
// readers are this same binary, invoked as `benchrun bare-csv FILE` and
// `benchrun bare-xlsx FILE`), so both sides of each ratio pay the same
// process start and are timed the same way: wall time from Start to Wait.
// Runs alternate (bare, validate, bare, validate, ...) so that a noisy
// neighbour hurts both sides alike; the table shows medians.
//
// The import runs as it does against a real domain: `userimport sim` in one
// child process, `userimport import` in another, pointed at it through the
// KINTONE_* environment. The simulator's CPU time is then not the
// importer's, and the importer's own CPU time is read from its rusage. The
// request count comes from the simulator (`userimport sim --stats FILE`
// writes its counters on exit).
//
// bench/run.sh builds the binaries and runs this; see bench/README.md.
package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/userimport/userimport/bench/baseline"
	"github.com/userimport/userimport/bench/gen"
	"github.com/userimport/userimport/kintone"
)

func main() {
	if len(os.Args) >= 2 {
		if sub, ok := subcommands[os.Args[1]]; ok {
			if err := sub(os.Args[2:]); err != nil {
				fmt.Fprintln(os.Stderr, "benchrun:", err)
				os.Exit(1)
			}
			return
		}
	}
	var cfg config
	flag.StringVar(&cfg.bin, "bin", "/tmp/userimport", "the userimport binary to measure")
	flag.StringVar(&cfg.dir, "dir", "", "directory for the generated files (default: a new temporary directory, removed at the end)")
	flag.IntVar(&cfg.runs, "runs", 3, "runs of each timed command; the median is reported")
	flag.IntVar(&cfg.csvRows, "csv-rows", 1_000_000, "rows of the large CSV")
	flag.IntVar(&cfg.smallRows, "small-csv-rows", 100_000, "rows of the small CSV (RSS baseline)")
	flag.IntVar(&cfg.xlsxRows, "xlsx-rows", 100_000, "rows of the XLSX")
	flag.IntVar(&cfg.importRows, "import-rows", 10_000, "users in the import run")
	flag.DurationVar(&cfg.latency, "latency", 50*time.Millisecond, "simulator latency per request")
	flag.IntVar(&cfg.concurrency, "concurrency", 8, "import concurrency")
	flag.Parse()
	if err := run(&cfg); err != nil {
		fmt.Fprintln(os.Stderr, "benchrun:", err)
		os.Exit(1)
	}
}

// subcommands run in child processes: the timed baselines, and the file
// generator (kept out of this process so that its memory does not show in
// the children's peak RSS, see measure).
var subcommands = map[string]func(args []string) error{
	"bare-csv":  func(a []string) error { return oneArg(a, bareCSV) },
	"bare-xlsx": func(a []string) error { return oneArg(a, bareXLSX) },
	"gen":       genFile,
	"noop":      func([]string) error { return nil },
}

func oneArg(args []string, f func(string) error) error {
	if len(args) != 1 {
		return errors.New("want one file argument")
	}
	return f(args[0])
}

// genFile is `benchrun gen FILE ROWS INVALID`: FILE's extension (.csv or
// .xlsx) chooses the format.
func genFile(args []string) error {
	if len(args) != 3 {
		return errors.New("usage: benchrun gen FILE ROWS INVALID-SHARE")
	}
	rows, err := strconv.Atoi(args[1])
	if err != nil {
		return err
	}
	invalid, err := strconv.ParseFloat(args[2], 64)
	if err != nil {
		return err
	}
	write := gen.WriteCSV
	if strings.HasSuffix(args[0], ".xlsx") {
		write = gen.WriteXLSX
	}
	f, err := os.Create(args[0])
	if err != nil {
		return err
	}
	if err := write(f, gen.Options{Rows: rows, Invalid: invalid, Seed: seed}); err != nil {
		f.Close()
		return fmt.Errorf("generating %s: %w", args[0], err)
	}
	return f.Close()
}

type config struct {
	bin, dir                                 string
	self                                     string
	runs                                     int
	csvRows, smallRows, xlsxRows, importRows int
	latency                                  time.Duration
	concurrency                              int
}

// seed is shared by every file, so the small CSV is the first rows of the
// large one.
const seed = 42

// invalidShare is the share of rows broken on purpose in validate inputs.
const invalidShare = 0.05

func run(cfg *config) error {
	var err error
	if cfg.self, err = os.Executable(); err != nil {
		return err
	}
	if _, err := os.Stat(cfg.bin); err != nil {
		return fmt.Errorf("-bin: %w (build it with: go build -o %s ./cmd/userimport)", err, cfg.bin)
	}
	if cfg.runs < 1 {
		return errors.New("-runs must be at least 1")
	}
	if cfg.dir == "" {
		if cfg.dir, err = os.MkdirTemp("", "userimport-bench"); err != nil {
			return err
		}
		defer os.RemoveAll(cfg.dir)
	}
	logf("files in %s", cfg.dir)

	bigCSV := filepath.Join(cfg.dir, fmt.Sprintf("users_%d.csv", cfg.csvRows))
	smallCSV := filepath.Join(cfg.dir, fmt.Sprintf("users_%d.csv", cfg.smallRows))
	xlsx := filepath.Join(cfg.dir, fmt.Sprintf("users_%d.xlsx", cfg.xlsxRows))
	importCSV := filepath.Join(cfg.dir, fmt.Sprintf("import_%d.csv", cfg.importRows))
	for _, g := range []struct {
		path    string
		rows    int
		invalid float64
	}{
		{bigCSV, cfg.csvRows, invalidShare},
		{smallCSV, cfg.smallRows, invalidShare},
		{xlsx, cfg.xlsxRows, invalidShare},
		{importCSV, cfg.importRows, 0},
	} {
		m, err := measure([]string{cfg.self, "gen", g.path, strconv.Itoa(g.rows), strconv.FormatFloat(g.invalid, 'g', -1, 64)})
		if err != nil {
			return err
		}
		fi, err := os.Stat(g.path)
		if err != nil {
			return err
		}
		logf("generated %s: %d rows, %.1f MB in %.2fs (rss %.0f MB)", filepath.Base(g.path), g.rows, float64(fi.Size())/1e6, m.wall.Seconds(), float64(m.maxRSS)/1e6)
	}
	floor, err := measure([]string{cfg.self, "noop"})
	if err != nil {
		return err
	}
	logf("peak RSS floor of a child (benchrun noop): %.1f MB", float64(floor.maxRSS)/1e6)

	report := filepath.Join(cfg.dir, "report.csv")
	validateCmd := func(file string) []string { return []string{cfg.bin, "validate", file, "--report", report} }

	logf("CSV: bare encoding/csv vs userimport validate, %d rows, %d runs each", cfg.csvRows, cfg.runs)
	csvBare, csvVal, err := pair(cfg.runs, []string{cfg.self, "bare-csv", bigCSV}, validateCmd(bigCSV))
	if err != nil {
		return err
	}
	logf("XLSX: bare excelize Rows() vs userimport validate, %d rows, %d runs each", cfg.xlsxRows, cfg.runs)
	xlsxBare, xlsxVal, err := pair(cfg.runs, []string{cfg.self, "bare-xlsx", xlsx}, validateCmd(xlsx))
	if err != nil {
		return err
	}
	logf("RSS: userimport validate, %d rows, %d runs", cfg.smallRows, cfg.runs)
	smallVal, err := repeat(cfg.runs, validateCmd(smallCSV))
	if err != nil {
		return err
	}
	logf("import: %d users, latency %s, concurrency %d, %d runs", cfg.importRows, cfg.latency, cfg.concurrency, cfg.runs)
	imps := make([]importRun, cfg.runs)
	for i := range imps {
		if imps[i], err = runImport(importCSV, cfg); err != nil {
			return err
		}
		logf("  run %d: %s, importer cpu %s, simulator cpu %s, %d requests", i+1, imps[i].elapsed.Round(time.Millisecond),
			imps[i].cpu.Round(time.Millisecond), imps[i].simCPU.Round(time.Millisecond), imps[i].requests)
	}

	printTable(os.Stdout, cfg, floor, csvBare, csvVal, xlsxBare, xlsxVal, smallVal, imps)
	return nil
}

// measurement is one child process run.
type measurement struct {
	wall   time.Duration
	cpu    time.Duration // user + system
	maxRSS int64         // bytes
}

// pair runs a and b alternately, runs times each.
func pair(runs int, a, b []string) (ma, mb []measurement, err error) {
	for i := range runs {
		x, err := measure(a)
		if err != nil {
			return nil, nil, err
		}
		y, err := measure(b)
		if err != nil {
			return nil, nil, err
		}
		logf("  run %d: %s %s, %s %s", i+1, name(a), x, name(b), y)
		ma, mb = append(ma, x), append(mb, y)
	}
	return ma, mb, nil
}

func repeat(runs int, args []string) ([]measurement, error) {
	var ms []measurement
	for i := range runs {
		m, err := measure(args)
		if err != nil {
			return nil, err
		}
		logf("  run %d: %s %s", i+1, name(args), m)
		ms = append(ms, m)
	}
	return ms, nil
}

func name(args []string) string {
	if strings.HasSuffix(args[0], "benchrun") {
		return args[1]
	}
	return filepath.Base(args[0]) + " " + args[1]
}

func (m measurement) String() string {
	return fmt.Sprintf("%.2fs (cpu %.2fs, rss %.0f MB)", m.wall.Seconds(), m.cpu.Seconds(), float64(m.maxRSS)/1e6)
}

// measure runs args as a child process and returns its wall time, CPU time
// and peak RSS (getrusage ru_maxrss of the child).
//
// Linux records in a child's ru_maxrss the peak RSS of the memory it had
// before exec, and os/exec starts children with CLONE_VM, so that memory is
// this process's: a child's figure is never below this process's own peak.
// That is why the generator runs as a child too; the table's RSS detail
// shows the floor (`benchrun noop`). `userimport validate`
// exits 1 when some rows are invalid, as the generated files have; that
// is success here.
func measure(args []string) (measurement, error) {
	cmd := exec.Command(args[0], args[1:]...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	cmd.Stdout = io.Discard
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 1 && args[1] == "validate") {
		return measurement{}, fmt.Errorf("%s: %w: %s", strings.Join(args, " "), err, stderr.String())
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return measurement{}, errors.New("no rusage for the child process")
	}
	return measurement{
		wall:   wall,
		cpu:    cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(),
		maxRSS: ru.Maxrss * 1024, // Linux reports KiB
	}, nil
}

// bareCSV and bareXLSX run the baselines as child processes, timed like
// userimport itself.
func bareCSV(path string) error {
	n, err := baseline.CSV(path)
	if err == nil {
		fmt.Println(n, "records")
	}
	return err
}

func bareXLSX(path string) error {
	rows, cells, err := baseline.XLSX(path)
	if err == nil {
		fmt.Println(rows, "rows", cells, "cells")
	}
	return err
}

type importRun struct {
	elapsed  time.Duration
	cpu      time.Duration // the importer's user + system time
	requests int           // as counted by the simulator
	simCPU   time.Duration // the simulator's user + system time, for the log
}

// runImport starts a fresh simulator as a child process, imports path into
// it with `userimport import` as another child, stops the simulator and
// reads its request counters. It checks that every user was created.
func runImport(path string, cfg *config) (importRun, error) {
	stats := filepath.Join(cfg.dir, "sim-stats.json")
	_ = os.Remove(stats)
	sim, env, err := startSim(cfg, stats)
	if err != nil {
		return importRun{}, err
	}
	defer sim.stop()
	rep := filepath.Join(cfg.dir, "import-report.csv")
	cmd := exec.Command(cfg.bin, "import", path, "--concurrency", strconv.Itoa(cfg.concurrency), "--report", rep)
	cmd.Env = append(withoutKintoneEnv(os.Environ()), env...)
	var stderr strings.Builder
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	start := time.Now()
	err = cmd.Run()
	elapsed := time.Since(start)
	if err != nil {
		return importRun{}, fmt.Errorf("userimport import: %w: %s", err, stderr.String())
	}
	created, err := countStatus(rep, "created")
	if err != nil {
		return importRun{}, err
	}
	if created != cfg.importRows {
		return importRun{}, fmt.Errorf("import created %d users of %d: %s", created, cfg.importRows, stderr.String())
	}
	if err := sim.stop(); err != nil {
		return importRun{}, err
	}
	total, err := readSimRequests(stats)
	if err != nil {
		return importRun{}, err
	}
	return importRun{
		elapsed:  elapsed,
		cpu:      cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(),
		requests: total,
		simCPU:   sim.cmd.ProcessState.UserTime() + sim.cmd.ProcessState.SystemTime(),
	}, nil
}

// simProcess is a running `userimport sim`.
type simProcess struct {
	cmd     *exec.Cmd
	stderr  *strings.Builder
	stopped bool
}

// startSim starts `userimport sim` on a free loopback port and returns the
// KINTONE_* assignments it prints.
func startSim(cfg *config, stats string) (*simProcess, []string, error) {
	cmd := exec.Command(cfg.bin, "sim", "--addr", "127.0.0.1:0", "--latency", cfg.latency.String(), "--stats", stats)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	p := &simProcess{cmd: cmd, stderr: &strings.Builder{}}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		return nil, nil, err
	}
	var env []string
	sc := bufio.NewScanner(out)
	for len(env) < 3 && sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "export ")
		if !ok {
			_ = p.stop()
			return nil, nil, fmt.Errorf("userimport sim printed %q", sc.Text())
		}
		env = append(env, line)
	}
	if len(env) < 3 {
		_ = p.stop()
		return nil, nil, fmt.Errorf("userimport sim stopped before printing its address: %s", p.stderr.String())
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	return p, env, nil
}

// stop interrupts the simulator, which writes its --stats file as it exits.
func (p *simProcess) stop() error {
	if p.stopped {
		return nil
	}
	p.stopped = true
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		return err
	}
	if err := p.cmd.Wait(); err != nil {
		return fmt.Errorf("userimport sim: %w: %s", err, p.stderr.String())
	}
	return nil
}

// withoutKintoneEnv drops the caller's KINTONE_* variables, so that only the
// simulator's credentials reach the importer.
func withoutKintoneEnv(env []string) []string {
	return slices.DeleteFunc(slices.Clone(env), func(kv string) bool { return strings.HasPrefix(kv, "KINTONE_") })
}

// readSimRequests reads the total request count from a --stats file.
func readSimRequests(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("simulator stats: %w", err)
	}
	var st struct{ Total int }
	if err := json.Unmarshal(data, &st); err != nil {
		return 0, fmt.Errorf("simulator stats %s: %w", path, err)
	}
	return st.Total, nil
}

// countStatus counts the rows of a CSV report whose status is status.
func countStatus(report, status string) (int, error) {
	f, err := os.Open(report)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return 0, fmt.Errorf("report %s: %w", report, err)
	}
	col := slices.Index(header, "status")
	if col < 0 {
		return 0, fmt.Errorf("report %s has no status column", report)
	}
	n := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return 0, fmt.Errorf("report %s: %w", report, err)
		}
		if rec[col] == status {
			n++
		}
	}
}

func median[T any](xs []T, key func(T) float64) float64 {
	v := make([]float64, len(xs))
	for i, x := range xs {
		v[i] = key(x)
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

func wallS(m measurement) float64 { return m.wall.Seconds() }
func rss(m measurement) float64   { return float64(m.maxRSS) }

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "MISS"
}

func printTable(out io.Writer, cfg *config, floor measurement, csvBare, csvVal, xlsxBare, xlsxVal, smallVal []measurement, imps []importRun) {
	csvRatio := median(csvVal, wallS) / median(csvBare, wallS)
	xlsxRatio := median(xlsxVal, wallS) / median(xlsxBare, wallS)
	rssBig, rssSmall := median(csvVal, rss), median(smallVal, rss)
	growth := (rssBig - rssSmall) / float64(cfg.csvRows-cfg.smallRows)

	// The lower bound on time is what the requests cost if every
	// connection were always waiting on the server.
	batches, minimum := minimumRequests(cfg.importRows)
	ratios := make([]float64, len(imps))
	worst := 0
	for i, r := range imps {
		bound := time.Duration(r.requests) * cfg.latency / time.Duration(cfg.concurrency)
		ratios[i] = r.elapsed.Seconds() / bound.Seconds()
		worst = max(worst, r.requests)
	}
	reqRatio := float64(worst) / float64(minimum)
	impRatio := median(ratios, func(x float64) float64 { return x })
	impElapsed := median(imps, func(r importRun) float64 { return r.elapsed.Seconds() })
	cpuPer1k := median(imps, func(r importRun) float64 { return r.cpu.Seconds() }) / float64(cfg.importRows) * 1000

	fmt.Fprintln(out)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "measure\tvalue\ttarget\tresult\tdetail")
	fmt.Fprintf(tw, "CSV validate ÷ bare encoding/csv (%s rows)\t%.2f\t≤ 2.0\t%s\tvalidate %.2fs, bare %.2fs (medians of %d)\n",
		count(cfg.csvRows), csvRatio, verdict(csvRatio <= 2.0), median(csvVal, wallS), median(csvBare, wallS), cfg.runs)
	fmt.Fprintf(tw, "XLSX validate ÷ bare excelize Rows() (%s rows)\t%.2f\t≤ 1.0\t%s\tvalidate %.2fs, bare %.2fs (medians of %d)\n",
		count(cfg.xlsxRows), xlsxRatio, verdict(xlsxRatio <= 1.0), median(xlsxVal, wallS), median(xlsxBare, wallS), cfg.runs)
	fmt.Fprintf(tw, "peak RSS growth per row, validate %s → %s CSV rows\t%.0f B/row\t≤ 200\t%s\tmax RSS %.1f MB → %.1f MB (medians; a child's floor is %.1f MB)\n",
		count(cfg.smallRows), count(cfg.csvRows), growth, verdict(growth <= 200), rssSmall/1e6, rssBig/1e6, float64(floor.maxRSS)/1e6)
	fmt.Fprintf(tw, "import %s users: elapsed ÷ lower bound\t%.2f\t≤ 1.15\t%s\tmedian %.2fs; bound = requests × %s ÷ %d = %.2fs\n",
		count(cfg.importRows), impRatio, verdict(impRatio <= 1.15), impElapsed, cfg.latency, cfg.concurrency,
		(time.Duration(worst) * cfg.latency / time.Duration(cfg.concurrency)).Seconds())
	fmt.Fprintf(tw, "import %s users: importer CPU per 1,000 users\t%.0f ms\t–\t–\tuser + system time of the import process (median of %d)\n",
		count(cfg.importRows), cpuPer1k*1000, cfg.runs)
	fmt.Fprintf(tw, "import %s users: requests ÷ minimum\t%.3f\t= 1.0\t%s\t%d requests (worst run); minimum 2 + 2 × %d batches = %d\n",
		count(cfg.importRows), reqRatio, verdict(reqRatio == 1.0), worst, batches, minimum)
	tw.Flush()
}

// minimumRequests is the fewest requests a clean create of rows new users
// can take: the 2 pre-flight calls (Get Users, the rights probe), then per
// batch of 100 one Add Users and one Update User Services. Nothing is
// looked up before Add Users: in create mode the server's "already
// exists" answer is the lookup.
func minimumRequests(rows int) (batches, minimum int) {
	batches = int(math.Ceil(float64(rows) / kintone.MaxPerRequest))
	return batches, 2 + 2*batches
}

// count writes 1000000 as 1M and 100000 as 100k.
func count(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n >= 1000 && n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}
