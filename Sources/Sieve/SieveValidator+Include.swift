/// Validation of the include extension's commands.
/// - SeeAlso: RFC 6609 §3
extension SieveValidator {
    // include [LOCATION] [":once"] [":optional"] <value: string>
    // LOCATION = ":personal" / ":global"
    // return
    // global <value: string-list>
    mutating func includeCommand(_ name: String, _ arguments: [SieveSyntax.Argument], at location: SourceLocation)
        throws(SieveError) -> SieveCommand
    {
        try need("include", for: "'\(name)'", at: location)
        switch name {
        case "include":
            let shapes: [String: SieveArgumentReader.TagShape] = ["personal": .flag, "global": .flag, "once": .flag, "optional": .flag]
            var reader = try SieveArgumentReader(arguments, of: name, at: location, shapes: shapes)
            let place = try reader.oneOf(["personal", "global"], what: "of ':personal' and ':global'")
            let (raw, nameLocation) = try reader.string("script name")
            try reader.finish()
            // §3.2: the name is a constant (no variables) and a valid script name (RFC 5804 §1.6).
            let scriptName = try constant(raw, at: nameLocation)
            guard Self.isScriptName(scriptName) else {
                throw SieveError(location: nameLocation, message: "invalid script name '\(scriptName)'")
            }
            return .include(
                SieveIncludeCommand(
                    name: scriptName, location: place?.name == "global" ? .global : .personal, once: reader.flag("once"),
                    optional: reader.flag("optional")))
        case "return":
            try SieveArgumentReader(arguments, of: name, at: location, shapes: [:]).finish()
            return .returnFromInclude
        default:
            try need("variables", for: "'global'", at: location)
            var reader = try SieveArgumentReader(arguments, of: name, at: location, shapes: [:])
            let (names, namesLocation) = try reader.stringList("variable names")
            try reader.finish()
            var declared: [String] = []
            for raw in names {
                guard SieveText.isVariableName(raw) else {
                    throw SieveError(location: namesLocation, message: "invalid global variable name '\(raw)'")
                }
                globals.insert(raw.lowercased())
                declared.append(raw.lowercased())
            }
            return .global(declared)
        }
    }

    /// RFC 5804 §1.6: a script name is non-empty UTF-8 without control characters
    /// (U+0000–U+001F, U+007F, U+0080–U+009F) or the line and paragraph separators
    /// (U+2028, U+2029); a "/" would reach outside the script store, so it is refused too.
    static func isScriptName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 1024
            && name.unicodeScalars.allSatisfy {
                $0.value >= 0x20 && $0.value != 0x7F && !(0x80...0x9F).contains($0.value) && $0.value != 0x2028 && $0.value != 0x2029
                    && $0 != "/"
            }
    }
}
