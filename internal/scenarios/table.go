package scenarios

import (
	"fmt"
	"io"

	"github.com/tillwatch/tillwatch/agent/detect"
)

// WriteTable prints precision and recall per alert kind (every kind of the
// contract, in rule order) and the totals.
func WriteTable(w io.Writer, counts map[string]Counts) error {
	if _, err := fmt.Fprintf(w, "%-24s %5s %5s %5s %9s %7s\n", "kind", "TP", "FP", "FN", "precision", "recall"); err != nil {
		return err
	}
	var all Counts
	for _, k := range detect.Rules() {
		c := counts[k]
		all.TP, all.FP, all.FN = all.TP+c.TP, all.FP+c.FP, all.FN+c.FN
		if _, err := fmt.Fprintf(w, "%-24s %5d %5d %5d %9.3f %7.3f\n", k, c.TP, c.FP, c.FN, c.Precision(), c.Recall()); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "%-24s %5d %5d %5d %9.3f %7.3f\n", "all", all.TP, all.FP, all.FN, all.Precision(), all.Recall())
	return err
}
