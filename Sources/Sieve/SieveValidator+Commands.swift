/// Validation of the action and variable commands.
extension SieveValidator {
    mutating func command(_ command: SieveSyntax.Command) throws(SieveError) -> SieveCommand {
        let name = command.name.lowercased()
        let arguments = command.arguments.arguments
        let at = command.location
        switch name {
        case "stop", "discard":
            let reader = try SieveArgumentReader(arguments, of: name, at: at, shapes: [:])
            try reader.finish()
            return name == "stop" ? .stop : .discard
        case "keep":
            var reader = try SieveArgumentReader(arguments, of: name, at: at, shapes: flagsShape())
            let flags = try flagsArgument(&reader)
            try reader.finish()
            return .keep(flags: flags)
        case "redirect":
            var reader = try SieveArgumentReader(arguments, of: name, at: at, shapes: copyShape())
            let (address, location) = try reader.string("address")
            try reader.finish()
            let text = try text(address, at: location)
            if let constant = text.constant, SieveMailbox.parse(constant) == nil {
                throw SieveError(location: location, message: "redirect address '\(constant)' is not a valid address")
            }
            return .redirect(address: text, copy: reader.flag("copy"))
        case "fileinto":
            try need("fileinto", for: "'fileinto'", at: at)
            var shapes = copyShape().merging(flagsShape()) { first, _ in first }
            if required.contains("mailbox") { shapes["create"] = .flag }
            var reader = try SieveArgumentReader(arguments, of: name, at: at, shapes: shapes)
            let flags = try flagsArgument(&reader)
            let (mailbox, location) = try reader.string("mailbox")
            try reader.finish()
            return .fileinto(
                mailbox: try text(mailbox, at: location), copy: reader.flag("copy"), create: reader.flag("create"), flags: flags)
        case "reject", "ereject":
            try need(name, for: "'\(name)'", at: at)
            var reader = try SieveArgumentReader(arguments, of: name, at: at, shapes: [:])
            let (reason, location) = try reader.string("reason")
            try reader.finish()
            return .reject(reason: try text(reason, at: location), extended: name == "ereject")
        case "vacation":
            try need("vacation", for: "'vacation'", at: at)
            return .vacation(try vacation(arguments, at: at))
        case "set":
            try need("variables", for: "'set'", at: at)
            let command = try set(arguments, at: at)
            if case .set(let name, _, _) = command { try declare(name, at: at) }
            return command
        case "addheader", "deleteheader":
            try need("editheader", for: "'\(name)'", at: at)
            return name == "addheader" ? try addHeader(arguments, at: at) : try deleteHeader(arguments, at: at)
        case "setflag", "addflag", "removeflag":
            try need("imap4flags", for: "'\(name)'", at: at)
            var reader = try SieveArgumentReader(arguments, of: name, at: at, shapes: [:])
            var variable: String?
            if reader.remainingPositional == 2 {
                let (raw, location) = try reader.string("variable name")
                variable = try variableName(raw, at: location)
            }
            let (flags, location) = try reader.stringList("flags")
            try reader.finish()
            let operation: SieveFlagOperation = name == "setflag" ? .set : (name == "addflag" ? .add : .remove)
            return .flags(operation, variable: variable, flags: try texts(flags, at: location))
        case "include", "return", "global":
            return try includeCommand(name, arguments, at: at)
        case "error":
            // error <message: string> (RFC 5463 §5)
            try need("ihave", for: "'error'", at: at)
            var reader = try SieveArgumentReader(arguments, of: name, at: at, shapes: [:])
            let (message, location) = try reader.string("message")
            try reader.finish()
            return .error(try text(message, at: location))
        default:
            if testsuiteEnabled, let command = try testsuiteCommand(name, arguments, at: at) { return command }
            throw SieveError(location: at, message: "unknown command '\(command.name)'")
        }
    }

    private func copyShape() -> [String: SieveArgumentReader.TagShape] {
        required.contains("copy") ? ["copy": .flag] : [:]
    }

    private func flagsShape() -> [String: SieveArgumentReader.TagShape] {
        required.contains("imap4flags") ? ["flags": .stringList] : [:]
    }

    private func flagsArgument(_ reader: inout SieveArgumentReader) throws(SieveError) -> [SieveText]? {
        guard let tag = reader.tags["flags"], let parameter = tag.parameter,
            case .strings(let flags, _) = parameter.value
        else { return nil }
        return try texts(flags, at: parameter.location)
    }

    // vacation [":days" number | ":seconds" number] [":subject" string] [":from" string]
    //          [":addresses" string-list] [":mime"] [":handle" string] <reason: string>
    private func vacation(_ arguments: [SieveSyntax.Argument], at location: SourceLocation) throws(SieveError)
        -> SieveVacationCommand
    {
        var shapes: [String: SieveArgumentReader.TagShape] = [
            "days": .number, "subject": .string, "from": .string, "addresses": .stringList, "mime": .flag, "handle": .string,
        ]
        if required.contains("vacation-seconds") { shapes["seconds"] = .number }
        var reader = try SieveArgumentReader(arguments, of: "vacation", at: location, shapes: shapes)
        let interval = try reader.oneOf(["days", "seconds"], what: "of ':days' and ':seconds'")
        let (reason, reasonLocation) = try reader.string("reason")
        try reader.finish()
        func string(_ tag: String) throws(SieveError) -> SieveText? {
            guard let parameter = reader.tags[tag]?.parameter, case .strings(let strings, _) = parameter.value else { return nil }
            return try text(strings[0], at: parameter.location)
        }
        var intervalValue: UInt64?
        if let parameter = interval?.parameter, case .number(let number) = parameter.value {
            intervalValue = number
        }
        // RFC 5230 §4.4: ":from" is the address the response comes from.
        if let parameter = reader.tags["from"]?.parameter, case .strings(let strings, _) = parameter.value,
            let constant = try text(strings[0], at: parameter.location).constant, SieveMailbox.parse(constant) == nil
        {
            throw SieveError(location: parameter.location, message: "vacation ':from' address '\(constant)' is not a valid address")
        }
        var addresses: [SieveText] = []
        if let parameter = reader.tags["addresses"]?.parameter, case .strings(let strings, _) = parameter.value {
            addresses = try texts(strings, at: parameter.location)
        }
        return SieveVacationCommand(
            interval: intervalValue, intervalIsSeconds: interval?.name == "seconds", subject: try string("subject"),
            from: try string("from"), addresses: addresses, mime: reader.flag("mime"), handle: try string("handle"),
            reason: try text(reason, at: reasonLocation))
    }

    // set [MODIFIER] <name: string> <value: string>
    private func set(_ arguments: [SieveSyntax.Argument], at location: SourceLocation) throws(SieveError) -> SieveCommand {
        var shapes: [String: SieveArgumentReader.TagShape] = [:]
        for modifier in SieveSetModifier.allCases { shapes[modifier.rawValue] = .flag }
        var reader = try SieveArgumentReader(arguments, of: "set", at: location, shapes: shapes)
        let modifiers = SieveSetModifier.allCases.filter { reader.flag($0.rawValue) }.sorted { $0.precedence > $1.precedence }
        for (first, second) in zip(modifiers, modifiers.dropFirst()) where first.precedence == second.precedence {
            let tag = reader.tags[second.rawValue]
            throw SieveError(
                location: tag?.location ?? location, message: "':\(first.rawValue)' and ':\(second.rawValue)' cannot be combined")
        }
        let (name, nameLocation) = try reader.string("variable name")
        let (value, valueLocation) = try reader.string("value")
        try reader.finish()
        return .set(name: try variableName(name, at: nameLocation), value: try text(value, at: valueLocation), modifiers: modifiers)
    }

    /// Records an assigned variable; the first name past `SieveLimits.maximumVariables`
    /// is an error, reported once. Global names live in the shared scope and are not counted.
    private mutating func declare(_ name: String, at location: SourceLocation) throws(SieveError) {
        guard !name.contains("."), declaredVariables.count <= SieveLimits.maximumVariables else { return }
        declaredVariables.insert(name)
        if declaredVariables.count > SieveLimits.maximumVariables {
            throw SieveError(location: location, message: "more than \(SieveLimits.maximumVariables) variables declared")
        }
    }

    // addheader [":last"] <field-name: string> <value: string>
    private func addHeader(_ arguments: [SieveSyntax.Argument], at location: SourceLocation) throws(SieveError) -> SieveCommand {
        var reader = try SieveArgumentReader(arguments, of: "addheader", at: location, shapes: ["last": .flag])
        let (name, nameLocation) = try reader.string("field name")
        let (value, valueLocation) = try reader.string("value")
        try reader.finish()
        let nameText = try text(name, at: nameLocation)
        if let constant = nameText.constant, !SieveHeaderEdit.isFieldName(constant) {
            throw SieveError(location: nameLocation, message: SieveHeaderEdit.invalidNameMessage(constant))
        }
        let valueText = try text(value, at: valueLocation)
        if let constant = valueText.constant, !SieveHeaderEdit.isFieldValue(constant) {
            throw SieveError(location: valueLocation, message: SieveHeaderEdit.invalidValueMessage(constant))
        }
        if let constantName = nameText.constant, let constant = valueText.constant,
            let limit = available.headerEditPolicy.maximumHeaderSize,
            SieveHeaderEdit.fieldSize(name: constantName, value: constant) > limit
        {
            throw SieveError(location: valueLocation, message: SieveHeaderEdit.oversizeMessage(constantName, limit: limit))
        }
        return .addHeader(name: nameText, value: valueText, last: reader.flag("last"))
    }

    // deleteheader [":index" <fieldno: number> [":last"]] [COMPARATOR] [MATCH-TYPE]
    //              <field-name: string> [<value-patterns: string-list>]
    private func deleteHeader(_ arguments: [SieveSyntax.Argument], at location: SourceLocation) throws(SieveError)
        -> SieveCommand
    {
        var shapes = matchShapes()
        shapes["index"] = .number
        shapes["last"] = .flag
        var reader = try SieveArgumentReader(arguments, of: "deleteheader", at: location, shapes: shapes)
        let index = try headerIndex(reader, always: true)
        let (name, nameLocation) = try reader.string("field name")
        // RFC 5293 §5's grammar makes the value patterns optional after a match type too;
        // without them, every occurrence is deleted and the match type has no effect.
        var match: SieveMatch?
        if reader.remainingPositional > 0 { match = try self.match(&reader, keysWhat: "value patterns") }
        try reader.finish()
        let nameText = try text(name, at: nameLocation)
        if let constant = nameText.constant, !SieveHeaderEdit.isFieldName(constant) {
            throw SieveError(location: nameLocation, message: SieveHeaderEdit.invalidNameMessage(constant))
        }
        return .deleteHeader(name: nameText, index: index, match: match)
    }
}
