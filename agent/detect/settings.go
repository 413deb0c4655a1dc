package detect

import "github.com/tillwatch/tillwatch/drivers/settings"

// Settings are the windows and tolerances a config's detect section sets
// (settings.Detect: one type, one default, one check for the config, the
// capture header and the detector).
type Settings = settings.Detect
