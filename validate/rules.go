package validate

// Rule is the stable identifier of one validation rule, spelled
// "<field>.<problem>". It is what the report prints as error_code, so a
// published identifier never changes meaning; new rules get new identifiers.
type Rule string

// Rules that apply to any field. Their Issues carry the offending Field (or
// CustomItem and the custom item code).
const (
	// RuleInvalidText: the value is not valid UTF-8, which almost always
	// means the file was read with the wrong encoding. The API would replace
	// the bad bytes with U+FFFD, silently corrupting the value.
	RuleInvalidText Rule = "field.invalid_utf8"
	// RuleControlChar: the value holds a control character (tab, CR and LF
	// are allowed in description only). It stays an error although the
	// service still accepts such values: the only document that speaks of
	// them, Cybozu's 2021-04 API update notice (reference §3.1, S20),
	// declares every control character but ZWJ invalid input to be
	// rejected or stripped; only the date was postponed. So no document
	// makes them valid (unlike the doubtful ranges, where one does), and a
	// value sent today may be rejected or silently changed later: a login
	// name that holds one cannot be typed at the login screen. They are
	// almost always corruption of the file, which the user should see
	// before anything is sent.
	RuleControlChar Rule = "field.control_char"
	// RuleNotForGuests: a guest file holds a field the Add Guests API does
	// not have; it is not sent. Reported once per field per file.
	RuleNotForGuests Rule = "field.not_for_guests"
	// RuleNotForUsers: a user file holds a guest-only field (company,
	// division); it is not sent. Reported once per field per file.
	RuleNotForUsers Rule = "field.not_for_users"
)

// Login name (code) rules.
const (
	RuleCodeRequired      Rule = "code.required"
	RuleCodeTooLong       Rule = "code.too_long"
	RuleCodeForbiddenChar Rule = "code.forbidden_char"
	RuleCodeEdgeSpace     Rule = "code.edge_space"
	RuleCodeNotEmail      Rule = "code.not_email"
	// RuleCodeEmailDoubtful: a guest's login name is an address RFC 5322
	// allows but stricter checks refuse; see emailProblem.
	RuleCodeEmailDoubtful Rule = "code.email_doubtful"
	RuleCodeDuplicate     Rule = "code.duplicate"
	RuleCodeCaseDuplicate Rule = "code.case_duplicate"
)

// Display name and password rules.
const (
	RuleNameRequired           Rule = "name.required"
	RuleNameTooLong            Rule = "name.too_long"
	RulePasswordRequired       Rule = "password.required"
	RulePasswordTooLong        Rule = "password.too_long"
	RulePasswordLengthDoubtful Rule = "password.length_doubtful"
	RulePasswordSpaceDoubtful  Rule = "password.space_doubtful"
	RulePasswordCharDoubtful   Rule = "password.char_doubtful"
)

// Personal name rules. The Japanese reference limits these to 64
// characters, the English one to 128 (Add Guests: readings 64).
const (
	RuleSurNameTooLong                 Rule = "surName.too_long"
	RuleSurNameLengthDoubtful          Rule = "surName.length_doubtful"
	RuleGivenNameTooLong               Rule = "givenName.too_long"
	RuleGivenNameLengthDoubtful        Rule = "givenName.length_doubtful"
	RuleSurNameReadingTooLong          Rule = "surNameReading.too_long"
	RuleSurNameReadingLengthDoubtful   Rule = "surNameReading.length_doubtful"
	RuleGivenNameReadingTooLong        Rule = "givenNameReading.too_long"
	RuleGivenNameReadingLengthDoubtful Rule = "givenNameReading.length_doubtful"
	RuleLocalNameTooLong               Rule = "localName.too_long"
	RuleLocalNameNoLocale              Rule = "localName.no_locale"
	RuleLocalNameLocaleUnknown         Rule = "localNameLocale.unknown"
)

// Language and time zone rules.
const (
	RuleLocaleUnknown           Rule = "locale.unknown"
	RuleTimezoneRequired        Rule = "timezone.required"
	RuleTimezoneMissingDoubtful Rule = "timezone.missing_doubtful"
	RuleTimezoneUnknown         Rule = "timezone.unknown"
	// RuleTimezoneUnlistedDoubtful: an IANA name that is not an ID of the
	// list (an old alias such as Asia/Calcutta, an Etc/ zone): the
	// reference asks for an ID from the help-site list.
	RuleTimezoneUnlistedDoubtful Rule = "timezone.unlisted_doubtful"
)

// Contact and free-text rules.
const (
	RuleDescriptionTooLong     Rule = "description.too_long"
	RulePhoneTooLong           Rule = "phone.too_long"
	RuleMobilePhoneTooLong     Rule = "mobilePhone.too_long"
	RuleExtensionNumberTooLong Rule = "extensionNumber.too_long"
	RuleEmployeeNumberTooLong  Rule = "employeeNumber.too_long"
	RuleEmailTooLong           Rule = "email.too_long"
	RuleEmailInvalid           Rule = "email.invalid"
	// RuleEmailFormatDoubtful: an address RFC 5322 allows but stricter
	// checks refuse; the reference documents no format beyond the length
	// (§3.1), so it is a warning. See emailProblem.
	RuleEmailFormatDoubtful Rule = "email.format_doubtful"
	RuleEmailDuplicate      Rule = "email.duplicate"
	RuleURLTooLong          Rule = "url.too_long"
	RuleCalltoTooLong       Rule = "callto.too_long"
	RuleCompanyTooLong      Rule = "company.too_long"
	RuleDivisionTooLong     Rule = "division.too_long"
)

// Typed value rules.
const (
	RuleBirthDateInvalid Rule = "birthDate.invalid"
	RuleJoinDateInvalid  Rule = "joinDate.invalid"
	RuleSortOrderInvalid Rule = "sortOrder.invalid"
	RuleSortOrderRange   Rule = "sortOrder.range"
	RuleValidInvalid     Rule = "valid.invalid"
)

// Services and departments rules.
const (
	RuleServicesUnknown        Rule = "services.unknown"
	RuleOrganizationsInvalid   Rule = "organizations.invalid"
	RuleOrganizationsTooLong   Rule = "organizations.too_long"
	RuleOrganizationsTooMany   Rule = "organizations.too_many"
	RuleOrganizationsDuplicate Rule = "organizations.duplicate"
)

// Custom item rules.
const (
	RuleCustomCodeRequired Rule = "custom.code_required"
	RuleCustomTooLong      Rule = "custom.too_long"
)

// AnyField is RuleInfo.Field for the rules that apply to every field.
const AnyField Field = -1

// CustomItem is the Field of Issues and RuleInfos about custom items
// (customItem.<code> columns); Issue.Custom names the item. It lies outside
// the Record.Values range, so never index a [NumFields] array with it.
const CustomItem Field = NumFields

// RuleInfo describes one rule for documentation (the template's header
// notes, the README's rule table).
type RuleInfo struct {
	Rule        Rule
	Severity    Severity
	Field       Field // AnyField or CustomItem for the generic rules
	Description string
}

type kinds uint8

const (
	forUsers  kinds = 1 << Users
	forGuests kinds = 1 << Guests
	forBoth         = forUsers | forGuests
)

type ruleDef struct {
	RuleInfo
	kinds kinds
}

// ruleTable is the one list of rules: Rules, RulesFor and the severity of
// every Issue come from here.
var ruleTable = []ruleDef{
	{RuleInfo{RuleInvalidText, Error, AnyField, "The value is not valid UTF-8 text; the file was probably read with the wrong encoding."}, forBoth},
	{RuleInfo{RuleControlChar, Error, AnyField, "The value contains a control character (tab and line breaks are allowed in description only)."}, forBoth},
	{RuleInfo{RuleNotForGuests, Warning, AnyField, "The field does not exist for guest users and is not sent."}, forGuests},
	{RuleInfo{RuleNotForUsers, Warning, AnyField, "The field exists for guest users only and is not sent."}, forUsers},

	{RuleInfo{RuleCodeRequired, Error, Code, "Required; must not be empty or spaces only."}, forBoth},
	{RuleInfo{RuleCodeTooLong, Error, Code, "At most 128 characters (guests: 256, the e-mail address limit)."}, forBoth},
	{RuleInfo{RuleCodeForbiddenChar, Error, Code, `Must not contain \ [ ] " : ; < > , /`}, forUsers},
	{RuleInfo{RuleCodeEdgeSpace, Error, Code, "Must not start or end with a space (half-width spaces are trimmed, full-width ones are an error)."}, forBoth},
	{RuleInfo{RuleCodeNotEmail, Error, Code, "A guest's login name is their e-mail address."}, forGuests},
	{RuleInfo{RuleCodeEmailDoubtful, Warning, Code, "An address the standards allow but many systems refuse (no dot in the domain, a quoted local part, an IP address in brackets); no format is documented, so the server may reject it."}, forGuests},
	{RuleInfo{RuleCodeDuplicate, Error, Code, "Must be unique in the file (case-sensitive, like the service); later rows are rejected."}, forBoth},
	{RuleInfo{RuleCodeCaseDuplicate, Warning, Code, "Differs from an earlier login name only in upper/lower case; the service allows it but it is usually the same person twice."}, forBoth},

	{RuleInfo{RuleNameRequired, Error, Name, "Required; must not be empty or spaces only (not trimmed)."}, forBoth},
	{RuleInfo{RuleNameTooLong, Error, Name, "At most 128 characters."}, forBoth},
	{RuleInfo{RulePasswordRequired, Error, Password, "Required for new users and guests."}, forBoth},
	{RuleInfo{RulePasswordTooLong, Error, Password, "At most 128 characters."}, forBoth},
	{RuleInfo{RulePasswordLengthDoubtful, Warning, Password, "65 to 128 characters: the English reference allows 128, the Japanese one 64."}, forBoth},
	{RuleInfo{RulePasswordSpaceDoubtful, Warning, Password, "Contains a space: the English reference forbids whitespace, the help site allows half-width spaces."}, forBoth},
	{RuleInfo{RulePasswordCharDoubtful, Warning, Password, "Contains a character other than half-width letters, digits and symbols, which the help site does not list as allowed."}, forBoth},

	{RuleInfo{RuleSurNameTooLong, Error, SurName, "At most 128 characters."}, forUsers},
	{RuleInfo{RuleSurNameLengthDoubtful, Warning, SurName, "65 to 128 characters: the English reference allows 128, the Japanese one 64."}, forUsers},
	{RuleInfo{RuleGivenNameTooLong, Error, GivenName, "At most 128 characters."}, forUsers},
	{RuleInfo{RuleGivenNameLengthDoubtful, Warning, GivenName, "65 to 128 characters: the English reference allows 128, the Japanese one 64."}, forUsers},
	{RuleInfo{RuleSurNameReadingTooLong, Error, SurNameReading, "At most 128 characters (guests: 64)."}, forBoth},
	{RuleInfo{RuleSurNameReadingLengthDoubtful, Warning, SurNameReading, "65 to 128 characters: the English reference allows 128, the Japanese one 64."}, forUsers},
	{RuleInfo{RuleGivenNameReadingTooLong, Error, GivenNameReading, "At most 128 characters (guests: 64)."}, forBoth},
	{RuleInfo{RuleGivenNameReadingLengthDoubtful, Warning, GivenNameReading, "65 to 128 characters: the English reference allows 128, the Japanese one 64."}, forUsers},
	{RuleInfo{RuleLocalNameTooLong, Error, LocalName, "At most 128 characters."}, forUsers},
	{RuleInfo{RuleLocalNameNoLocale, Warning, LocalName, "Set without localNameLocale, so the localized name is never shown."}, forUsers},
	{RuleInfo{RuleLocalNameLocaleUnknown, Error, LocalNameLocale, "One of ja, en, zh, zh-TW, es, pt-BR, th."}, forUsers},

	{RuleInfo{RuleLocaleUnknown, Error, Locale, "One of auto, ja, en, zh, zh-TW, es, pt-BR, th (guests: auto, en, zh, ja); blank means auto."}, forBoth},
	{RuleInfo{RuleTimezoneRequired, Error, Timezone, "Required for guests."}, forGuests},
	{RuleInfo{RuleTimezoneMissingDoubtful, Warning, Timezone, "Blank: the English reference says a blank time zone is an error, the Japanese one that it is optional."}, forUsers},
	{RuleInfo{RuleTimezoneUnknown, Error, Timezone, "An IANA time zone ID such as Asia/Tokyo or America/Los_Angeles (case-sensitive)."}, forBoth},
	{RuleInfo{RuleTimezoneUnlistedDoubtful, Warning, Timezone, "An IANA name that is not on the list of time zone IDs (an old alias such as Asia/Calcutta or US/Pacific, or an Etc/ zone); the server may reject it."}, forBoth},

	{RuleInfo{RuleDescriptionTooLong, Error, Description, "At most 1000 characters (not trimmed; line breaks allowed)."}, forUsers},
	{RuleInfo{RulePhoneTooLong, Error, Phone, "At most 100 characters."}, forBoth},
	{RuleInfo{RuleMobilePhoneTooLong, Error, MobilePhone, "At most 100 characters."}, forUsers},
	{RuleInfo{RuleExtensionNumberTooLong, Error, ExtensionNumber, "At most 100 characters."}, forUsers},
	{RuleInfo{RuleEmployeeNumberTooLong, Error, EmployeeNumber, "At most 100 characters."}, forUsers},
	{RuleInfo{RuleEmailTooLong, Error, Email, "At most 256 characters."}, forUsers},
	{RuleInfo{RuleEmailInvalid, Error, Email, "A single address such as taro@example.com."}, forUsers},
	{RuleInfo{RuleEmailFormatDoubtful, Warning, Email, "An address the standards allow but many systems refuse (no dot in the domain, a quoted local part, an IP address in brackets); no format is documented, so the server may reject it."}, forUsers},
	{RuleInfo{RuleEmailDuplicate, Warning, Email, "Used by an earlier row (ignoring case); allowed, but password reset by e-mail breaks."}, forUsers},
	{RuleInfo{RuleURLTooLong, Error, URL, "At most 256 characters."}, forUsers},
	{RuleInfo{RuleCalltoTooLong, Error, Callto, "At most 256 characters."}, forBoth},
	{RuleInfo{RuleCompanyTooLong, Error, Company, "At most 100 characters."}, forGuests},
	{RuleInfo{RuleDivisionTooLong, Error, Division, "At most 100 characters."}, forGuests},

	{RuleInfo{RuleBirthDateInvalid, Error, BirthDate, "A real date as YYYY-MM-DD (YYYY/MM/DD and YYYY/M/D are converted)."}, forUsers},
	{RuleInfo{RuleJoinDateInvalid, Error, JoinDate, "A real date as YYYY-MM-DD (YYYY/MM/DD and YYYY/M/D are converted)."}, forUsers},
	{RuleInfo{RuleSortOrderInvalid, Error, SortOrder, "A whole number."}, forUsers},
	{RuleInfo{RuleSortOrderRange, Error, SortOrder, "From 0 to 99999999."}, forUsers},
	{RuleInfo{RuleValidInvalid, Error, Valid, "true or false (also 1/0, yes/no, on/off, 有効/無効; blank means active)."}, forUsers},

	{RuleInfo{RuleServicesUnknown, Error, Services, "Services separated by ; , or spaces: kintone, garoon, office, mailwise, secure_access (or ki, gr, of, mw, sa)."}, forUsers},
	{RuleInfo{RuleOrganizationsInvalid, Error, Organizations, "Department codes separated by ;, each optionally followed by :title code (sales:manager;hr); the first is the primary one."}, forUsers},
	{RuleInfo{RuleOrganizationsTooLong, Error, Organizations, "Department and title codes have at most 128 characters."}, forUsers},
	{RuleInfo{RuleOrganizationsTooMany, Error, Organizations, "At most 100 departments per user."}, forUsers},
	{RuleInfo{RuleOrganizationsDuplicate, Warning, Organizations, "The same department is listed twice."}, forUsers},

	{RuleInfo{RuleCustomCodeRequired, Error, CustomItem, "A custom item column needs an item code (customItem.<code>)."}, forUsers},
	{RuleInfo{RuleCustomTooLong, Warning, CustomItem, "Longer than 1000 characters. No limit is documented; 1000 is the longest documented limit of any user text field (description)."}, forUsers},
}

var ruleSeverity = func() map[Rule]Severity {
	m := make(map[Rule]Severity, len(ruleTable))
	for _, d := range ruleTable {
		if _, dup := m[d.Rule]; dup {
			panic("validate: rule " + string(d.Rule) + " listed twice")
		}
		m[d.Rule] = d.Severity
	}
	return m
}()

// Rules lists every rule in a stable order (grouped by field).
func Rules() []RuleInfo {
	out := make([]RuleInfo, len(ruleTable))
	for i, d := range ruleTable {
		out[i] = d.RuleInfo
	}
	return out
}

// RulesFor lists the rules that can fire for files of kind k.
func RulesFor(k Kind) []RuleInfo {
	var out []RuleInfo
	for _, d := range ruleTable {
		if d.kinds&(1<<k) != 0 {
			out = append(out, d.RuleInfo)
		}
	}
	return out
}
