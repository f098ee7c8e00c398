/// Validation of the `date` and `currentdate` tests.
extension SieveValidator {
    // date [<":zone" <time-zone: string>> / ":originalzone"] [COMPARATOR] [MATCH-TYPE]
    //      <header-name: string> <date-part: string> <key-list: string-list>
    // currentdate [":zone" <time-zone: string>] [COMPARATOR] [MATCH-TYPE]
    //      <date-part: string> <key-list: string-list>
    // - SeeAlso: RFC 5260 §4, §5; `:index` and `:last` on date from §6
    mutating func dateTest(_ name: String, _ arguments: [SieveSyntax.Argument], at location: SourceLocation) throws(SieveError)
        -> SieveTest
    {
        try need("date", for: "'\(name)'", at: location)
        var shapes = matchShapes()
        shapes["zone"] = .string
        if name == "date" {
            shapes["originalzone"] = .flag
            shapes.merge(indexShapes()) { first, _ in first }
        }
        var reader = try SieveArgumentReader(arguments, of: name, at: location, shapes: shapes)
        var zone = SieveDateTest.Zone.local
        if let tag = try reader.oneOf(["zone", "originalzone"], what: "of ':zone' and ':originalzone'") {
            if tag.name == "originalzone" {
                zone = .original
            } else if let parameter = tag.parameter, case .strings(let strings, _) = parameter.value {
                let text = try text(strings[0], at: parameter.location)
                if let constant = text.constant, SieveDateTime.zoneMinutes(constant) == nil {
                    throw SieveError(location: parameter.location, message: "invalid time zone '\(constant)': expected +hhmm or -hhmm")
                }
                zone = .fixed(text)
            }
        }
        let index = try headerIndex(reader, always: false)
        var header: SieveText?
        if name == "date" {
            let (raw, headerLocation) = try reader.string("header name")
            header = try text(raw, at: headerLocation)
            if let constant = header?.constant, !SieveHeaderEdit.isFieldName(constant) {
                throw SieveError(location: headerLocation, message: "invalid header field name '\(constant)'")
            }
        }
        let (rawPart, partLocation) = try reader.string("date part")
        let part = try text(rawPart, at: partLocation)
        if let constant = part.constant, !SieveDateTime.partNames.contains(constant.lowercased()) {
            throw SieveError(location: partLocation, message: "unknown date part '\(constant)'")
        }
        let match = try self.match(&reader, keysWhat: "keys")
        try reader.finish()
        return .date(SieveDateTest(header: header, zone: zone, part: part, index: index, match: match))
    }
}
