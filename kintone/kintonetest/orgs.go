package kintonetest

import (
	"encoding/json"
	"net/http"

	"github.com/userimport/userimport/kintone"
)

// maxOrgsPerUser is the documented limit of departments per user in one
// Update User's Departments item (reference §6).
const maxOrgsPerUser = 100

// getUserOrganizations is Get User's Departments: ?code=, answering
// {"organizationTitles":[{organization, title|null}]}, primary first.
func (d *Domain) getUserOrganizations(w http.ResponseWriter, _ *http.Request, c *call) {
	var errs errList
	code, _ := c.scalar("code")
	d.mu.Lock()
	rec, ok := d.users[code]
	switch {
	case code == "":
		errs.add(path{}.field("code"), msgRequired)
	case !ok:
		errs.add(path{}.field("code"), msgUserNotFound, code)
	}
	out := []kintone.OrganizationTitle{}
	if ok {
		for _, a := range rec.orgs {
			ot := kintone.OrganizationTitle{Organization: d.orgs[a.OrgCode]}
			if t, ok := d.titles[a.TitleCode]; ok && a.TitleCode != "" {
				ot.Title = &t
			}
			out = append(out, ot)
		}
	}
	d.mu.Unlock()
	if !errs.empty() {
		d.failValidation(w, c, &errs)
		return
	}
	writeJSON(w, map[string][]kintone.OrganizationTitle{"organizationTitles": out})
}

// updateUserOrganizations is Update User's Departments: each item replaces
// the user's departments, the first being the primary one (reference §2).
// Departments and titles must exist (WithDepartments).
func (d *Domain) updateUserOrganizations(w http.ResponseWriter, _ *http.Request, c *call) {
	d.commitWrite(w, c, func(errs *errList) func() {
		raws := c.items("userOrganizations", errs)
		if raws == nil {
			return nil
		}
		type change struct {
			code string
			orgs []kintone.OrganizationAssignment
		}
		changes := make([]change, 0, len(raws))
		for i, raw := range raws {
			at := path{}.field("userOrganizations").at(i)
			obj, code, ok := d.userItem(raw, at, errs)
			if !ok {
				continue
			}
			orgs, ok := d.parseAssignments(obj["organizations"], at.field("organizations"), errs)
			if ok {
				changes = append(changes, change{code, orgs})
			}
		}
		return func() {
			for _, ch := range changes {
				rec := d.users[ch.code]
				rec.orgs = ch.orgs
				rec.user.PrimaryOrganization = ""
				if len(ch.orgs) > 0 {
					rec.user.PrimaryOrganization = d.orgs[ch.orgs[0].OrgCode].ID
				}
			}
		}
	})
}

// parseAssignments checks one user's organizations array: required (an
// empty array removes every department), ≤100, orgCode required and known,
// titleCode optional and known, no department twice.
func (d *Domain) parseAssignments(raw json.RawMessage, at path, errs *errList) ([]kintone.OrganizationAssignment, bool) {
	if raw == nil || isNull(raw) {
		errs.add(at, msgRequired)
		return nil, false
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		errs.add(at, msgType)
		return nil, false
	}
	if len(list) > maxOrgsPerUser {
		errs.add(at, msgTooMany, maxOrgsPerUser)
		return nil, false
	}
	out := make([]kintone.OrganizationAssignment, 0, len(list))
	seen := map[string]bool{}
	ok := true
	for j, e := range list {
		ap := at.at(j)
		obj, isObj := decodeObject(e)
		if !isObj {
			errs.add(ap, msgType)
			ok = false
			continue
		}
		var a kintone.OrganizationAssignment
		if json.Unmarshal(obj["orgCode"], &a.OrgCode) != nil || a.OrgCode == "" {
			errs.add(ap.field("orgCode"), msgRequired)
			ok = false
			continue
		}
		if _, exists := d.orgs[a.OrgCode]; !exists {
			errs.add(ap.field("orgCode"), msgOrgNotFound, a.OrgCode)
			ok = false
		} else if seen[a.OrgCode] {
			errs.add(ap.field("orgCode"), msgDuplicate, a.OrgCode)
			ok = false
		}
		seen[a.OrgCode] = true
		if t, present := obj["titleCode"]; present && !isNull(t) {
			if json.Unmarshal(t, &a.TitleCode) != nil {
				errs.add(ap.field("titleCode"), msgType)
				ok = false
			} else if _, exists := d.titles[a.TitleCode]; a.TitleCode != "" && !exists {
				errs.add(ap.field("titleCode"), msgTitleNotFound, a.TitleCode)
				ok = false
			}
		}
		out = append(out, a)
	}
	return out, ok
}
