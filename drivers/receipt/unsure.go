package receipt

import "github.com/tillwatch/tillwatch/drivers"

// ExtractUnsure is Extract for a receipt some of whose lines were
// recognised from a printed image without confidence (unsure reports them,
// by index). A field whose label stands on such a line is left unset,
// whatever other lines say, and the amount due is never taken from the
// total: an amount is read for sure or not at all.
func (p *Profile) ExtractUnsure(r *drivers.Receipt, unsure func(i int) bool) {
	p.Extract(r)
	ms := p.matchers
	if ms == nil {
		ms = p.compile()
	}
	blocked := map[string]bool{}
	some := false
	for i, l := range r.Lines {
		if !unsure(i) {
			continue
		}
		some = true
		p.extractLine(ms, &drivers.Receipt{}, l.Text, nil, func(h hit, field, _ string) { blocked[field] = true })
	}
	if blocked["total"] {
		r.Total = nil
	}
	// The due a sure line did not print may stand on a line that was not
	// read: it is not taken from the total then.
	if blocked["due"] || some && r.Due != nil && !dueOwnLine(p, ms, r, unsure) {
		r.Due = nil
	}
	if blocked["change"] {
		r.Change = nil
	}
	for f := range blocked {
		if len(f) > 7 && f[:7] == "tender:" {
			r.Tenders = nil // a tender line was not read: none is trusted
			break
		}
	}
}

// dueOwnLine reports whether a sure line printed the amount due (rather
// than Extract defaulting it to the total).
func dueOwnLine(p *Profile, ms *matchers, r *drivers.Receipt, unsure func(i int) bool) bool {
	found := false
	for i, l := range r.Lines {
		if unsure(i) {
			continue
		}
		p.extractLine(ms, &drivers.Receipt{}, l.Text, nil, func(h hit, field, v string) {
			if field == "due" && v != "" {
				found = true
			}
		})
	}
	return found
}
