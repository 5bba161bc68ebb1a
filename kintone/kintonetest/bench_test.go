package kintonetest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/userimport/userimport/kintone"
)

// benchCodeDigits is the width of the counter in the benchmark's login
// names, rewritten in place so that every request adds new users.
const benchCodeDigits = 8

// addUsersBody returns an Add Users body of n users as the client encodes
// it (json.Marshal, so "&" arrives as \u0026), with the fields a typical
// import fills: Japanese and Latin names with readings, contact data,
// dates, a multi-line description with quotes, and three custom items. It
// also returns where each login name's counter sits in the body.
func addUsersBody(n int) ([]byte, []int) {
	type name struct{ sur, given, surKana, givenKana, latin string }
	names := []name{
		{"山田", "太郎", "やまだ", "たろう", "taro.yamada"},
		{"佐藤", "花子", "さとう", "はなこ", "hanako.sato"},
		{"Müller", "Anna", "", "", "anna.mueller"},
		{"鈴木", "翔太", "すずき", "しょうた", "shota.suzuki"},
		{"García", "José", "", "", "jose.garcia"},
	}
	descs := []string{
		"Joined from the Osaka office, likes \"tea\", coffee",
		"営業部, 東京支社 \"Key account\" manager\n2nd line: 在宅勤務, remote",
		"",
		"新卒入社",
	}
	depts := []string{"営業部", "開発部", "R&D, Tokyo", "Support"}
	in := make([]kintone.UserInput, n)
	for i := range in {
		nm := names[i%len(names)]
		num := strconv.Itoa(i)
		code := nm.latin + "." + string(bytes.Repeat([]byte{'0'}, benchCodeDigits))
		in[i] = kintone.UserInput{
			Code:             code,
			Valid:            ptr(true),
			Password:         secret("Pw-" + strconv.FormatInt(int64(i)*7919, 36) + "!9"),
			Name:             ptr(nm.sur + " " + nm.given),
			SurName:          ptr(nm.sur),
			GivenName:        ptr(nm.given),
			SurNameReading:   ptr(nm.surKana),
			GivenNameReading: ptr(nm.givenKana),
			Timezone:         ptr([]string{"Asia/Tokyo", "America/Los_Angeles", "UTC"}[i%3]),
			Locale:           ptr([]string{"ja", "en", "auto"}[i%3]),
			Description:      ptr(descs[i%len(descs)]),
			Phone:            ptr("03-1234-" + strconv.Itoa(1000+i)),
			MobilePhone:      ptr("090-5678-" + strconv.Itoa(1000+i)),
			ExtensionNumber:  ptr(strconv.Itoa(100 + i)),
			Email:            ptr(nm.latin + num + "@example.co.jp"),
			EmployeeNumber:   ptr("E" + num),
			BirthDate:        ptr("1985-04-" + strconv.Itoa(10+i%19)),
			JoinDate:         ptr("2010-04-01"),
			SortOrder:        ptr(int64(i)),
			CustomItemValues: []kintone.CustomItemValue{
				{Code: "department", Value: depts[i%len(depts)]},
				{Code: "costCenter", Value: "CC-" + strconv.Itoa(100+i)},
				{Code: "grade", Value: "G" + strconv.Itoa(1+i%3)},
			},
		}
	}
	body, err := json.Marshal(struct {
		Users []kintone.UserInput `json:"users"`
	}{in})
	if err != nil {
		panic(err)
	}
	var at []int
	for off := 0; ; {
		i := bytes.Index(body[off:], []byte(`"code":"`))
		if i < 0 {
			break
		}
		off += i + len(`"code":"`)
		end := off + bytes.IndexByte(body[off:], '"')
		if end-off > benchCodeDigits && bytes.Count(body[end-benchCodeDigits:end], []byte{'0'}) == benchCodeDigits {
			at = append(at, end-benchCodeDigits)
		}
	}
	if len(at) != n {
		panic("addUsersBody: " + strconv.Itoa(len(at)) + " login names found, want " + strconv.Itoa(n))
	}
	return body, at
}

// setCodes writes k*len(at)+i into the counter of the i-th login name.
func setCodes(body []byte, at []int, k int) {
	for i, off := range at {
		v := k*len(at) + i
		for j := benchCodeDigits - 1; j >= 0; j-- {
			body[off+j] = byte('0' + v%10)
			v /= 10
		}
	}
}

// BenchmarkAddUsers100 measures one Add Users request of 100 realistic
// users through the handler, without the network or latency: decoding,
// validation, commit and response. This is the simulator's CPU cost per
// batch, which a bulk-import benchmark shares the machine with.
func BenchmarkAddUsers100(b *testing.B) {
	s, err := newServer()
	if err != nil {
		b.Fatal(err)
	}
	body, at := addUsersBody(100)
	auth := xauth(s.AdminUser, s.AdminPassword)
	b.ReportAllocs()
	k := 0
	for b.Loop() {
		setCodes(body, at, k)
		k++
		r := httptest.NewRequest(http.MethodPost, "/v1/users.json", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("X-Cybozu-Authorization", auth)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}

// BenchmarkAddUsers100Loopback measures one full Add Users request of 100
// minimal users over loopback HTTP (validation, commit, response).
func BenchmarkAddUsers100Loopback(b *testing.B) {
	s := NewServer()
	defer s.Close()
	n := 0
	for b.Loop() {
		items := make([]map[string]any, 100)
		for i := range items {
			items[i] = newUser("b" + strconv.Itoa(n))
			items[i]["timezone"] = "Europe/Paris"
			n++
		}
		body, _ := json.Marshal(users(items...))
		if st, _, out := outcomeB(b, s, "POST", "/v1/users.json", string(body)); st != 200 {
			b.Fatalf("status %d %s", st, out)
		}
	}
}

// BenchmarkGetUsersPage measures one 100-user page of Get Users from a
// domain of 10,000 users.
func BenchmarkGetUsersPage(b *testing.B) {
	s := NewServer()
	defer s.Close()
	for i := range 100 {
		ins := make([]kintone.UserInput, 100)
		for j := range ins {
			ins[j] = userIn("p" + strconv.Itoa(i*100+j))
		}
		if err := s.AddUsers(ins...); err != nil {
			b.Fatal(err)
		}
	}
	off := 0
	for b.Loop() {
		if st, _, _ := outcomeB(b, s, "GET", "/v1/users.json?size=100&offset="+strconv.Itoa(off), ""); st != 200 {
			b.Fatalf("status %d", st)
		}
		off = (off + 100) % 10000
	}
}
