/// Validation of the `duplicate` test.
extension SieveValidator {
    // duplicate [":handle" <handle: string>] [":header" <header-name: string> /
    //           ":uniqueid" <value: string>] [":seconds" <timeout: number>] [":last"]
    // - SeeAlso: RFC 7352 §3
    func duplicateTest(_ arguments: [SieveSyntax.Argument], at location: SourceLocation) throws(SieveError) -> SieveTest {
        try need("duplicate", for: "'duplicate'", at: location)
        let shapes: [String: SieveArgumentReader.TagShape] = [
            "handle": .string, "header": .string, "uniqueid": .string, "seconds": .number, "last": .flag,
        ]
        let reader = try SieveArgumentReader(arguments, of: "duplicate", at: location, shapes: shapes)
        try reader.finish()
        func string(_ tag: String) throws(SieveError) -> SieveText? {
            guard let parameter = reader.tags[tag]?.parameter, case .strings(let strings, _) = parameter.value else { return nil }
            return try text(strings[0], at: parameter.location)
        }
        var source = SieveDuplicateTest.Source.messageID
        switch try reader.oneOf(["header", "uniqueid"], what: "of ':header' and ':uniqueid'")?.name {
        case "header": source = .header(try string("header") ?? SieveText(literal: ""))
        case "uniqueid": source = .uniqueID(try string("uniqueid") ?? SieveText(literal: ""))
        default: break
        }
        var seconds: UInt64?
        if case .number(let number) = reader.tags["seconds"]?.parameter?.value { seconds = number }
        return .duplicate(SieveDuplicateTest(source: source, handle: try string("handle"), seconds: seconds, last: reader.flag("last")))
    }
}
