package validate

import (
	"runtime"
	"strconv"
	"testing"
)

// benchCodes are distinct login names, made before the timer starts so
// the benchmark measures Check, not string building.
var benchCodes = func() []string {
	c := make([]string, 1<<16)
	for i := range c {
		c[i] = "user" + strconv.Itoa(100000+i) + "@example.co.jp"
	}
	return c
}()

func benchEmails() []string {
	e := make([]string, len(benchCodes))
	for i := range e {
		e[i] = "taro.yamada" + strconv.Itoa(i) + "@example.co.jp"
	}
	return e
}

// validRow is a realistic 22-field user row that needs no normalisation.
func validRow() Record {
	var r Record
	v := &r.Values
	v[Code] = "taro.yamada"
	v[Name] = "山田 太郎"
	v[Password] = "Passw0rd!2024"
	v[SurName] = "山田"
	v[GivenName] = "太郎"
	v[SurNameReading] = "やまだ"
	v[GivenNameReading] = "たろう"
	v[Email] = "taro.yamada@example.co.jp"
	v[Valid] = "true"
	v[Locale] = "ja"
	v[Timezone] = "Asia/Tokyo"
	v[Phone] = "03-1234-5678"
	v[ExtensionNumber] = "1234"
	v[MobilePhone] = "090-1234-5678"
	v[URL] = "https://example.co.jp/~taro"
	v[EmployeeNumber] = "00123"
	v[JoinDate] = "2015-04-01"
	v[BirthDate] = "1990-07-15"
	v[Description] = "営業部, 東京支社\n\"Key account\" manager"
	v[SortOrder] = "100"
	v[Services] = "kintone;garoon"
	v[Organizations] = "sales:manager;tokyo"
	for f := range r.Set {
		r.Set[f] = v[f] != ""
	}
	r.Custom = []CustomValue{{"grade", "G3"}, {"costCenter", "CC-100"}}
	return r
}

// BenchmarkCheck measures one row: a valid 22-field row with distinct
// login names and e-mail addresses (so the duplicate maps grow as in a
// real import), a row that needs four normalisations, and an invalid row
// with five problems.
func BenchmarkCheck(b *testing.B) {
	emails := benchEmails()
	valid := func(j int, r *Record) { r.Values[Email] = emails[j] }
	clean := func(res Result) bool { return res.Issues == nil && res.Changes == nil }
	b.Run("valid", func(b *testing.B) {
		benchCheck(b, Options{File: "users.csv"}, validRow(), valid, clean)
	})
	b.Run("valid-presized", func(b *testing.B) {
		benchCheck(b, Options{File: "users.csv", ExpectedRows: len(benchCodes)}, validRow(), valid, clean)
	})
	b.Run("normalised", func(b *testing.B) {
		tmpl := validRow()
		tmpl.Values[Valid] = "1"
		tmpl.Values[JoinDate] = "2015/4/1"
		tmpl.Values[Services] = "ki gr"
		tmpl.Values[Timezone] = " Asia/Tokyo"
		tmpl.Values[Email] = ""
		benchCheck(b, Options{}, tmpl, nil, func(res Result) bool { return res.Issues == nil && len(res.Changes) == 4 })
	})
	b.Run("invalid", func(b *testing.B) {
		tmpl := validRow()
		tmpl.Values[Password] = ""
		tmpl.Values[Timezone] = "Asia/Tokio"
		tmpl.Values[Email] = "taro.example.co.jp"
		tmpl.Values[BirthDate] = "1990-02-30"
		tmpl.Values[SortOrder] = "-5"
		benchCheck(b, Options{File: "users.csv"}, tmpl, nil, func(res Result) bool { return len(res.Issues) == 5 })
	})
}

// benchCheck runs Check over copies of tmpl with the login names of
// benchCodes (set, if not nil, changes row j further), starting a new
// Validator each time the names run out, and fails unless ok accepts each
// result. It reports allocations and CPU time per row.
func benchCheck(b *testing.B, opts Options, tmpl Record, set func(j int, r *Record), ok func(Result) bool) {
	v := New(opts)
	b.ReportAllocs()
	b.ResetTimer()
	cpu := processCPU()
	defer func() { reportCPU(b, cpu) }()
	for i := 0; i < b.N; i++ {
		j := i & (len(benchCodes) - 1)
		if j == 0 && i > 0 {
			b.StopTimer()
			v = New(opts)
			b.StartTimer()
		}
		rec := tmpl
		rec.Row = j + 2
		rec.Values[Code] = benchCodes[j]
		if set != nil {
			set(j, &rec)
		}
		if res := v.Check(&rec); !ok(res) {
			b.Fatalf("row %d: %+v", rec.Row, res)
		}
	}
}

// BenchmarkRetainedPerRow reports the heap a Validator keeps per row (the
// duplicate sets) after 65,536 distinct rows with e-mail addresses: the
// import's memory budget is 200 bytes per row. Run with -benchtime 1x.
func BenchmarkRetainedPerRow(b *testing.B) {
	emails := benchEmails()
	tmpl := validRow()
	for i := 0; i < b.N; i++ {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		v := New(Options{})
		for j, code := range benchCodes {
			rec := tmpl
			rec.Row = j + 2
			rec.Values[Code] = code
			rec.Values[Email] = emails[j]
			v.Check(&rec)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(len(benchCodes)), "B/row")
		runtime.KeepAlive(v)
	}
}

// BenchmarkCheckRows validates a million distinct rows, as a large file
// does, once with Check row by row and once with CheckRows in chunks of
// 256 (the importer's chunk). At this size the duplicate sets are far
// larger than the caches, which is what CheckRows is for; the 64k-row
// BenchmarkCheck mostly hits the cache. Each op is one whole file.
func BenchmarkCheckRows(b *testing.B) {
	const rows = 1 << 20
	codes := make([]string, rows)
	emails := make([]string, rows)
	for i := range codes {
		codes[i] = "u" + strconv.Itoa(i*7919%rows+1000000)
		emails[i] = codes[i] + "@example.co.jp"
	}
	tmpl := validRow()
	for _, chunk := range []int{1, 256} {
		b.Run("chunk="+strconv.Itoa(chunk), func(b *testing.B) {
			recs := make([]Record, chunk)
			res := make([]Result, chunk)
			cpu := processCPU()
			defer func() { reportCPU(b, cpu) }()
			for b.Loop() {
				v := New(Options{File: "users.csv", ExpectedRows: rows})
				for i := 0; i < rows; i += chunk {
					for j := range recs {
						recs[j] = tmpl
						recs[j].Row = i + j + 2
						recs[j].Values[Code] = codes[i+j]
						recs[j].Values[Email] = emails[i+j]
					}
					if chunk == 1 {
						res[0] = v.Check(&recs[0])
					} else {
						v.CheckRows(recs, res)
					}
					for j := range res {
						if res[j].Issues != nil {
							b.Fatalf("row %d: %+v", recs[j].Row, res[j].Issues)
						}
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
		})
	}
}
