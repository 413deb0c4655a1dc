package agent

import (
	"fmt"
	"log/slog"

	"github.com/tillwatch/tillwatch/agent/videofeed"
	"github.com/tillwatch/tillwatch/agent/words"
	"github.com/tillwatch/tillwatch/configs"
)

// videoFeeds builds the video recorder feeds of cfg.
func videoFeeds(cfg *configs.Config, log *slog.Logger) ([]*videofeed.Feed, error) {
	var out []*videofeed.Feed
	for _, v := range cfg.Video {
		lang := words.Of(cfg.Locale)
		if v.Locale != "" {
			lang = words.Of(v.Locale)
		}
		f, err := videofeed.New(videofeed.Config{
			Name: v.Name, Mode: v.Mode, Address: v.Address, Start: v.Start, LineEnd: v.LineEnd, End: v.End,
			Encoding: v.Encoding, Lang: lang, Loc: cfg.Location(), Device: v.Device,
			Receipts: !v.NoReceipts, Alerts: !v.NoAlerts,
		}, log.With("part", "video"))
		if err != nil {
			return nil, fmt.Errorf("agent: %w", err)
		}
		out = append(out, f)
	}
	return out, nil
}
