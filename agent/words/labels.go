package words

// Label keys, shared by the status page, channels and the demo.
const (
	LToday       = "today"
	LIncidents   = "incidents"
	LAtRisk      = "money_at_risk"
	LOpen        = "open"
	LResolvedN   = "resolved_n"
	LPrinter     = "printer"
	LTerminal    = "terminal"
	LLane        = "lane"
	LSite        = "site"
	LTime        = "time"
	LCashier     = "cashier"
	LAlerts      = "alerts"
	LNoAlerts    = "no_alerts"
	LDigest      = "digest"
	LConnected   = "connected"
	LDisconnect  = "disconnected"
	LNotSeen     = "not_seen"
	LTimeZone    = "time_zone"
	LByCashier   = "by_cashier"
	LLastUpdate  = "updated"
	LSeverity    = "severity"
	LWhat        = "what"
	LState       = "state"
	LLastPayment = "last_payment"
	// LEscalated starts the summary of a warning sent again as critical
	// because it was not resolved in time ({min}: minutes).
	LEscalated = "escalated"
	// LTechnician links the manager page to the technician's page (/).
	LTechnician = "technician"
)

var labelsEN = map[string]string{
	LToday: "Today", LIncidents: "Incidents", LAtRisk: "Money at risk", LOpen: "open", LResolvedN: "resolved",
	LPrinter: "Printer", LTerminal: "Card terminal", LLane: "Lane", LSite: "Store", LTime: "Time",
	LCashier: "Cashier", LAlerts: "Alerts", LNoAlerts: "No alerts today.",
	LDigest:    "{n} alerts at {lane} since {time}:",
	LConnected: "connected", LDisconnect: "not connected", LNotSeen: "not seen yet",
	LTimeZone: "Time zone", LByCashier: "Incidents by cashier", LLastUpdate: "Updated",
	LSeverity: "Severity", LWhat: "What", LState: "State", LLastPayment: "Last payment",
	LEscalated: "Not resolved after {min} min: ", LTechnician: "Technician's page",
}

var labelsZH = map[string]string{
	LToday: "今日", LIncidents: "异常", LAtRisk: "涉及金额", LOpen: "未解除", LResolvedN: "已解除",
	LPrinter: "打印机", LTerminal: "刷卡终端", LLane: "收银台", LSite: "门店", LTime: "时间",
	LCashier: "收银员", LAlerts: "告警", LNoAlerts: "今日无告警。",
	LDigest:    "{lane} 自 {time} 起 {n} 条告警：",
	LConnected: "已连接", LDisconnect: "未连接", LNotSeen: "尚未见到",
	LTimeZone: "时区", LByCashier: "按收银员统计异常", LLastUpdate: "更新于",
	LSeverity: "级别", LWhat: "内容", LState: "状态", LLastPayment: "最近一笔刷卡",
	LEscalated: "{min} 分钟后仍未解除：", LTechnician: "技术人员页面",
}

var labelsDE = map[string]string{
	LToday: "Heute", LIncidents: "Vorfälle", LAtRisk: "Betroffener Betrag", LOpen: "offen", LResolvedN: "behoben",
	LPrinter: "Drucker", LTerminal: "Kartenterminal", LLane: "Kasse", LSite: "Filiale", LTime: "Zeit",
	LCashier: "Kassierer", LAlerts: "Meldungen", LNoAlerts: "Heute keine Meldungen.",
	LDigest:    "{n} Meldungen an {lane} seit {time}:",
	LConnected: "verbunden", LDisconnect: "nicht verbunden", LNotSeen: "noch nicht gesehen",
	LTimeZone: "Zeitzone", LByCashier: "Vorfälle je Kassierer", LLastUpdate: "Stand",
	LSeverity: "Schwere", LWhat: "Was", LState: "Status", LLastPayment: "Letzte Kartenzahlung",
	LEscalated: "Nach {min} Min. nicht behoben: ", LTechnician: "Techniker-Seite",
}
