package status

import (
	"bytes"
	_ "embed"
	"html/template"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/words"
)

//go:embed manager.html
var managerHTML string

// managerTmpl is the manager page (/today): today at a glance in the
// lane's language and time zone. html/template escapes every value.
var managerTmpl = template.Must(template.New("manager").Parse(managerHTML))

// managerData is what the manager page shows.
type managerData struct {
	Lang, Site, Lane, Now, Zone string
	Refresh                     int
	L                           map[string]string // labels
	Incidents, Open, Resolved   int
	AtRisk                      string
	Printers                    []deviceLine
	Terminals                   []deviceLine
	Alerts                      []alertLine // newest first
	Cashiers                    []cashierLine
	Langs                       []words.Lang
}

type deviceLine struct {
	Name, State, Since string
	OK, Warn           bool
}

type alertLine struct {
	Time, Title, Summary, Badge, Class string
}

type cashierLine struct {
	Name      string
	Incidents int
	AtRisk    string
}

// today serves the manager page.
func (s *Server) today(w http.ResponseWriter, r *http.Request) {
	lang := s.opts.Lang.OrDefault()
	if q := r.URL.Query().Get("lang"); q != "" {
		if l, err := words.Parse(q); err == nil {
			lang = l
		}
	}
	d := managerPage(s.src.Snapshot(), lang, s.opts.Location)
	d.Refresh = max(int(s.opts.Refresh/time.Second), 1)
	var buf bytes.Buffer
	if err := managerTmpl.Execute(&buf, d); err != nil {
		s.opts.Log.Error("status: render manager page", "error", err)
		http.Error(w, "status: render manager page: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}

// managerPage turns a snapshot into the manager page's words.
func managerPage(snap Snapshot, lang words.Lang, loc *time.Location) managerData {
	d := managerData{Lang: string(lang), Site: snap.Site, Lane: snap.Lane, Langs: words.Langs,
		Now: words.DateTime(snap.Now, loc), Zone: snap.Now.In(loc).Format("MST -07:00"), L: map[string]string{}}
	for _, k := range []string{words.LToday, words.LIncidents, words.LAtRisk, words.LOpen, words.LResolvedN, words.LPrinter,
		words.LTerminal, words.LLane, words.LTime, words.LCashier, words.LAlerts, words.LNoAlerts, words.LTimeZone,
		words.LByCashier, words.LLastUpdate, words.LWhat, words.LState, words.LLastPayment, words.LTechnician} {
		d.L[k] = words.Label(k, lang)
	}
	resolved := map[string]bool{}
	for _, a := range snap.Today {
		if a.State == detect.Resolved {
			resolved[a.Incident] = true
		}
	}
	risk := moneySum{}
	byCashier := map[string]*cashierAcc{}
	for i := len(snap.Today) - 1; i >= 0; i-- {
		a := snap.Today[i]
		class := string(a.Severity)
		if a.State == detect.Resolved || resolved[a.Incident] {
			class = "resolved"
		}
		badge := words.Badge(&a, lang)
		if class == "resolved" {
			badge = words.State(detect.Resolved, lang)
		}
		d.Alerts = append(d.Alerts, alertLine{Time: words.Clock(a.Time, loc), Title: words.Title(a.Kind, a.State, lang),
			Summary: words.Summary(&a, lang, loc), Badge: badge, Class: class})
		if a.State != detect.Raised {
			continue
		}
		d.Incidents++
		if resolved[a.Incident] {
			d.Resolved++
		} else {
			d.Open++
		}
		v, cur := AtRisk(&a)
		risk.add(v, cur)
		if a.Cashier != "" {
			c := byCashier[a.Cashier]
			if c == nil {
				c = &cashierAcc{risk: moneySum{}}
				byCashier[a.Cashier] = c
			}
			c.n++
			c.risk.add(v, cur)
		}
	}
	d.AtRisk = risk.String(lang)
	for name, c := range byCashier {
		d.Cashiers = append(d.Cashiers, cashierLine{Name: name, Incidents: c.n, AtRisk: c.risk.String(lang)})
	}
	sort.Slice(d.Cashiers, func(i, j int) bool {
		if d.Cashiers[i].Incidents != d.Cashiers[j].Incidents {
			return d.Cashiers[i].Incidents > d.Cashiers[j].Incidents
		}
		return d.Cashiers[i].Name < d.Cashiers[j].Name
	})
	d.Printers, d.Terminals = deviceLines(snap, lang, loc)
	return d
}

type cashierAcc struct {
	n    int
	risk moneySum
}

// deviceLines says each printer's and terminal's state in words.
func deviceLines(snap Snapshot, lang words.Lang, loc *time.Location) (printers, terminals []deviceLine) {
	for _, dev := range snap.Devices {
		l := deviceLine{Name: dev.Name}
		switch {
		case !dev.Seen:
			l.State, l.Warn = words.Label(words.LNotSeen, lang), true
		case !dev.Up:
			l.State = words.Label(words.LDisconnect, lang)
			l.Since = words.Clock(dev.Since, loc)
		default:
			l.State, l.OK = words.Label(words.LConnected, lang), true
			l.Since = words.Clock(dev.Since, loc)
		}
		if dev.Role == "terminal" {
			for _, p := range snap.Payments {
				if p.Device == dev.Name {
					l.State += " · " + words.Label(words.LLastPayment, lang) + " " + words.Clock(p.Time, loc) + " " + p.Amount
					break
				}
			}
			terminals = append(terminals, l)
			continue
		}
		if i := slices.IndexFunc(snap.Printers, func(p PrinterState) bool { return p.Device == dev.Name }); i >= 0 && dev.Up {
			p := snap.Printers[i]
			l.State = words.PrinterState(&p.Evidence, lang)
			l.Since = words.Clock(p.Time, loc)
			fault := p.Evidence.PaperEnd || p.Evidence.CoverOpen || p.Evidence.Offline || p.Evidence.CutterError ||
				p.Evidence.Unrecoverable || p.Evidence.AutoRecoverable || p.Evidence.Error || p.Evidence.NoReply
			l.OK, l.Warn = !fault && !p.Evidence.PaperNearEnd, p.Evidence.PaperNearEnd && !fault
		}
		printers = append(printers, l)
	}
	return printers, terminals
}

// AtRisk is the money an alert is about, in minor units (a magnitude), and
// its currency: the charge without a receipt, the difference of a wrong
// amount, the second charge, the refund without a sale, the receipt no
// payment covers, the part not approved, the settlement difference.
func AtRisk(a *detect.Alert) (int64, string) {
	cur := a.Currency
	if a.Payment != nil && a.Payment.Currency != "" {
		cur = a.Payment.Currency
	}
	abs := func(v int64) int64 { return max(v, -v) }
	switch a.Kind {
	case detect.KindAmountMismatch, detect.KindPartialApproval, detect.KindSettlementMismatch:
		if a.Delta != nil {
			return abs(*a.Delta), cur
		}
	case detect.KindPaymentWithoutReceipt, detect.KindDuplicateCharge, detect.KindRefundWithoutSale:
		if a.Payment != nil {
			return abs(a.Payment.Amount), cur
		}
	case detect.KindReceiptWithoutPayment:
		if a.Receipt != nil && a.Receipt.CardTender != nil {
			return abs(*a.Receipt.CardTender), cur
		}
	}
	return 0, cur
}

// moneySum adds amounts per currency.
type moneySum map[string]int64

func (m moneySum) add(v int64, cur string) {
	if v != 0 {
		m[cur] += v
	}
}

func (m moneySum) String(lang words.Lang) string {
	if len(m) == 0 {
		return words.Money(0, "", lang)
	}
	curs := make([]string, 0, len(m))
	for c := range m {
		curs = append(curs, c)
	}
	sort.Strings(curs)
	var parts []string
	for _, c := range curs {
		parts = append(parts, words.Money(m[c], c, lang))
	}
	return strings.Join(parts, " + ")
}
