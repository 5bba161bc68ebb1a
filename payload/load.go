package payload

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/userimport/userimport/mapping"
	"github.com/userimport/userimport/sheet"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/validate"
)

// LoadUsers reads a whole file of users through the same reader, mapping
// and validation as an import, and returns them as Add Users inputs. It is
// for small files that seed a simulator (`userimport sim --users`), so it
// holds every user in memory and refuses a file with any invalid row.
func LoadUsers(path string, so sheet.Options) ([]kintone.UserInput, error) {
	src, err := sheet.Open(path, so)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	m, err := mapping.NewMapper(src.Header(), validate.Users, nil)
	if err != nil {
		return nil, err
	}
	v := validate.New(validate.Options{Kind: validate.Users, File: filepath.Base(path), Columns: m.Columns()})
	var users []kintone.UserInput
	for {
		row, err := src.Next()
		if errors.Is(err, io.EOF) {
			return users, nil
		}
		if err != nil {
			return nil, err
		}
		var rec validate.Record
		if err := m.Map(row, &rec); err != nil {
			return nil, err
		}
		res := v.Check(&rec)
		if is := res.FirstError(); is != nil {
			return nil, fmt.Errorf("%s: %s", filepath.Base(path), is.Message)
		}
		users = append(users, NewUser(&rec))
	}
}
