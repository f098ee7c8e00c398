/// Evaluation of `date` and `currentdate`.
/// - SeeAlso: RFC 5260 §4, §5
extension SieveInterpreter {
    mutating func dateTest(_ test: SieveDateTest, at location: SourceLocation) throws(SieveRuntimeError) -> Bool {
        var dates: [SieveDateTime] = []
        if let header = test.header {
            let name = expand(header).lowercased()
            for field in fields([header], index: test.index) {
                var text = SieveHeaderValue.unfold(field.value)
                // RFC 5260 §7: a Received field's date follows its last semicolon.
                if name == "received", let semicolon = text.lastIndex(of: ";") {
                    text = String(text[text.index(after: semicolon)...])
                }
                // A field whose value is not a valid date is skipped (RFC 5260 §4).
                if let date = SieveDateTime.parse(text) { dates.append(date) }
            }
        } else {
            dates = [SieveDateTime(context.now)]
        }
        let zone: Int?
        switch test.zone {
        case .local: zone = context.now.utcOffsetMinutes
        case .original: zone = nil
        case .fixed(let text):
            guard let minutes = SieveDateTime.zoneMinutes(expand(text)) else { return false }
            zone = minutes
        }
        let part = expand(test.part)
        var values: [String] = []
        for date in dates {
            let shown = zone.map { date.converted(toZoneMinutes: $0) } ?? date
            guard let value = shown.part(part) else { return false }
            values.append(value)
        }
        return try compare(values, test.match, at: location)
    }
}
