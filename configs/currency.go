package configs

// DefaultCurrency is the currency a device of the protocol assumes when its
// config names none: CLP for transbank (a Chilean protocol), "" for
// template (the template file's applies), EUR otherwise.
func DefaultCurrency(protocol string) string {
	switch protocol {
	case "transbank":
		return "CLP"
	case "template":
		return ""
	}
	return "EUR"
}

// Currency is the lane's currency: the first terminal's that names one,
// else the first device's. Receipts are read, and amounts typed by people
// (journal search, remote journal_search) are understood, in its minor
// units.
func (c *Config) Currency() string {
	cur := ""
	for _, d := range c.Devices {
		if d.Role == RoleTerminal && d.Currency != "" {
			return d.Currency
		}
		if cur == "" {
			cur = d.Currency
		}
	}
	return cur
}
