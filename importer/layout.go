package importer

import (
	"fmt"
	"strings"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/payload"
	"github.com/userimport/userimport/validate"
)

// cybozu.com's services file and departments-of-users file change the
// users they list and create none; a line without a service (department)
// takes all of them away, as cybozu's own import does.

// updateOnlyMissing fails the row of a services or departments file whose
// user does not exist, and reports whether it did.
func (s *importSink) updateOnlyMissing(it *item) bool {
	if !s.updatesOnly || it.existing != nil {
		return false
	}
	it.out.fail("user_not_found", fmt.Sprintf("user %q does not exist; cybozu.com's %s file only changes existing users (add the user with a users file first)", it.code(), s.layoutName()))
	return true
}

func (s *importSink) layoutName() string {
	return strings.TrimPrefix(s.layout.String(), "cybozu-")
}

// servicesWanted is the services a row asks for, or nil when it leaves
// them alone; in a services file an empty line asks for none.
func (s *importSink) servicesWanted(rec *validate.Record) []string {
	if s.updatesOnly && rec.Set[validate.Services] && payload.Services(rec) == nil {
		return []string{}
	}
	return payload.Services(rec)
}

// organizationsWanted is the departments a row asks for, or nil when it
// leaves them alone; in a departments file an empty line asks for none.
func (s *importSink) organizationsWanted(rec *validate.Record) []kintone.OrganizationAssignment {
	if s.updatesOnly && rec.Set[validate.Organizations] && payload.Organizations(rec) == nil {
		return []kintone.OrganizationAssignment{}
	}
	return payload.Organizations(rec)
}
