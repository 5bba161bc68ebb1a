package importer_test

import (
	"context"
	"sync"
	"testing"

	"github.com/userimport/userimport/importer"
	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/kintone/kintonetest"
	"github.com/userimport/userimport/report"
)

// updateSpy records the Update Users payloads.
type updateSpy struct {
	clocked
	mu   sync.Mutex
	sent []kintone.UserInput
}

func (a *updateSpy) UpdateUsers(ctx context.Context, in []kintone.UserInput) error {
	a.mu.Lock()
	a.sent = append(a.sent, in...)
	a.mu.Unlock()
	return a.clocked.UpdateUsers(ctx, in)
}

// TestUpsertCustomItemsAndLocale: a file that changes one custom item
// leaves the user's other items as they were, whether the server merges a
// partial list or replaces the whole one; locale is sent only when the
// file changes it.
func TestUpsertCustomItemsAndLocale(t *testing.T) {
	path := writeFile(t, "users.csv", "code,name,customItem.dept_no\ntaro,Taro,D-9\njiro,Jiro,D-2\nhana,Hana Y,D-3\n")
	for _, replace := range []bool{false, true} {
		name := "merge"
		if replace {
			name = "replace"
		}
		t.Run(name, func(t *testing.T) {
			opts := []kintonetest.Option{
				kintonetest.WithCustomItems("dept_no", "badge"),
				kintonetest.WithUsers(
					kintone.UserInput{Code: "taro", Name: ptr("Taro"), Password: ptr(kintone.Secret("Taro-pass-123")), Locale: ptr("ja"),
						CustomItemValues: []kintone.CustomItemValue{{Code: "dept_no", Value: "D-1"}, {Code: "badge", Value: "B-100"}}},
					kintone.UserInput{Code: "jiro", Name: ptr("Jiro"), Password: ptr(kintone.Secret("Jiro-pass-123")),
						CustomItemValues: []kintone.CustomItemValue{{Code: "dept_no", Value: "D-2"}, {Code: "badge", Value: "B-200"}}},
					kintone.UserInput{Code: "hana", Name: ptr("Hana"), Password: ptr(kintone.Secret("Hana-pass-123")), Locale: ptr("en"),
						CustomItemValues: []kintone.CustomItemValue{{Code: "badge", Value: "B-300"}}},
				),
			}
			if replace {
				opts = append(opts, kintonetest.WithCustomItemsReplace())
			}
			srv := kintonetest.NewServer(opts...)
			defer srv.Close()
			api := &updateSpy{clocked: client(t, srv)}
			rep := &memReport{}
			o := baseOptions(path, rep)
			o.Mode = importer.Upsert
			if _, err := importer.Import(t.Context(), api, o); err != nil {
				t.Fatal(err)
			}
			want := map[string]struct {
				status            report.Status
				dept, badge, lang string
			}{
				"taro": {report.Updated, "D-9", "B-100", "ja"},
				"jiro": {report.Unchanged, "D-2", "B-200", "auto"},
				"hana": {report.Updated, "D-3", "B-300", "en"},
			}
			for _, r := range rep.rows {
				w := want[r.Code]
				u, _ := srv.User(r.Code)
				items := map[string]string{}
				for _, c := range u.CustomItemValues {
					items[c.Code] = c.Value
				}
				if r.Status != w.status || items["dept_no"] != w.dept || items["badge"] != w.badge || u.Locale != w.lang {
					t.Errorf("%s: %s, items %v, locale %q; want %s, dept_no %s, badge %s, locale %q", r.Code, r.Status, items, u.Locale, w.status, w.dept, w.badge, w.lang)
				}
			}
			for _, in := range api.sent {
				if in.Locale != nil {
					t.Errorf("%s: locale %q sent though the file does not change it", in.Code, *in.Locale)
				}
				if in.Valid == nil {
					t.Errorf("%s: valid not sent", in.Code)
				}
			}
			if len(api.sent) != 2 {
				t.Errorf("%d users updated, want 2", len(api.sent))
			}
		})
	}
}
